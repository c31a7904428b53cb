import NIOCore

/// An answer that goes on after its head (Server-Sent Events): the listener writes the head,
/// then hands the connection over; the stream writes `HTTPServerResponsePart.body` parts
/// until the client goes.
public protocol HTTPStream: Sendable {
    func start(on channel: Channel)
}
