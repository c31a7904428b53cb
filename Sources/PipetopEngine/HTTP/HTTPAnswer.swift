import NIOCore
import NIOHTTP1

/// What a service answers: a status and a body (empty for a weblog POST taken).
public struct HTTPAnswer: Sendable {
    public var status: HTTPResponseStatus
    public var contentType: String
    public var body: ByteBuffer
    /// Headers beyond the type, length and connection (`WWW-Authenticate`, `Allow`).
    public var headers: [(String, String)] = []
    /// Set: the body is not `body` but what this writes after the head, for as long as the
    /// client stays (no Content-Length; chunked).
    public var stream: (any HTTPStream)?

    public init(status: HTTPResponseStatus, contentType: String = "text/plain; charset=utf-8", body: ByteBuffer = ByteBuffer()) {
        self.status = status; self.contentType = contentType; self.body = body
    }

    /// A plain-text answer: one sentence and a newline.
    public static func text(_ status: HTTPResponseStatus, _ sentence: String) -> HTTPAnswer {
        var b = ByteBufferAllocator().buffer(capacity: sentence.utf8.count + 1)
        b.writeString(sentence + "\n")
        return HTTPAnswer(status: status, body: b)
    }
}
