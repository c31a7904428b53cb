/// What the engine says first to a viewer: the subscriber protocol it speaks (`v`), and who
/// it is (its version, host and socket).
public struct SubscriberHello: Sendable, Equatable, Codable {
    public var v: Int
    public var engine: String
    public var host: String
    public var socket: String
    public init(v: Int = BoardMessage.version, engine: String, host: String, socket: String) {
        self.v = v; self.engine = engine; self.host = host; self.socket = socket
    }
}
