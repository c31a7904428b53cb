import NIOCore
import NIOHTTP1

/// One whole HTTP request as a service sees it: the head and the body read so far (at most
/// `HTTPListener.maxBodyBytes`).
public struct HTTPRequest: Sendable {
    /// The method to answer: HEAD comes as GET (the listener leaves the body out).
    public var method: HTTPMethod
    /// The method the client sent (HEAD where `method` says GET): what a refusal names.
    public var sentMethod: HTTPMethod
    /// The request target as sent ("/metrics?x=1").
    public var uri: String
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(method: HTTPMethod, sentMethod: HTTPMethod? = nil, uri: String, headers: HTTPHeaders = HTTPHeaders(), body: ByteBuffer = ByteBuffer()) {
        self.method = method; self.sentMethod = sentMethod ?? method; self.uri = uri; self.headers = headers; self.body = body
    }

    /// The path without the query ("/metrics").
    public var path: Substring { uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
}
