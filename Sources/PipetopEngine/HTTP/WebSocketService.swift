import NIOCore

/// A service that also takes WebSocket upgrades (the event stream). The listener asks it
/// before upgrading, and before the upgrade takes a stream place; a request it does not take
/// is answered as plain HTTP instead (so a refused token gets its 401 in JSON).
public protocol WebSocketService: HTTPService {
    /// Whether an upgrade of `request` is taken: its path, and everything that would refuse
    /// the stream (a token, a filter), so that a refused request never holds a stream place.
    func takesWebSocket(_ request: HTTPRequest) -> Bool
    /// The connection is a WebSocket now (frames in and out); the service owns it.
    func startWebSocket(_ request: HTTPRequest, on channel: Channel)
}
