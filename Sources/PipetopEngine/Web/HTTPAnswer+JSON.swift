import NIOCore
import NIOHTTP1
import PipetopCore
import PipetopWire

extension HTTPAnswer {
    /// A JSON answer (the web API's).
    static func json(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> HTTPAnswer {
        jsonText(JSONWriter.string(value) + "\n", status: status)
    }

    static func jsonText(_ text: String, status: HTTPResponseStatus = .ok, type: String = "application/json") -> HTTPAnswer {
        var b = ByteBufferAllocator().buffer(capacity: text.utf8.count)
        b.writeString(text)
        return HTTPAnswer(status: status, contentType: type, body: b)
    }

    /// The web API's error: `{"error": "a sentence"}`.
    static func jsonError(_ status: HTTPResponseStatus, _ sentence: String) -> HTTPAnswer {
        json(.object([("error", .string(sentence))]), status: status)
    }
}
