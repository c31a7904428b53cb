import NIOCore

/// A service that also takes WebSocket upgrades (the event stream). The listener asks it
/// before upgrading; a request it does not take is answered as plain HTTP instead (so a
/// refused token gets its 401 in JSON).
public protocol WebSocketService: HTTPService {
    func takesWebSocket(_ request: HTTPRequest) -> Bool
    /// The connection is a WebSocket now (frames in and out); the service owns it.
    func startWebSocket(_ request: HTTPRequest, on channel: Channel)
}
