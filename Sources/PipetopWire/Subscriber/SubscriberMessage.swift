import Foundation
import PipetopCore

/// What the engine sends to a viewer after `subscribe`: a hello, then a snapshot of the whole
/// state, then (for viewers that ask for them) deltas of what changed, at most at the viewer's
/// frame rate and only when something changed; a heartbeat when nothing did for a while.
public enum SubscriberMessage: Sendable, Equatable {
    case hello(Hello)
    case snapshot(Snapshot)
    case delta(Delta)
    case heartbeat(Heartbeat)

    public struct Delta: Sendable, Equatable, Codable {
        /// The version this delta brings the viewer to.
        public var version: UInt64
        public var now: Double
        public var changes: StateDelta
        public init(version: UInt64, now: Double, changes: StateDelta) { self.version = version; self.now = now; self.changes = changes }
    }

    public struct Heartbeat: Sendable, Equatable, Codable {
        public var now: Double
        public init(now: Double) { self.now = now }
    }

    public struct Hello: Sendable, Equatable, Codable {
        public var v: Int
        public var engine: String
        public var host: String
        public var socket: String
        public init(v: Int = protocolVersion, engine: String, host: String, socket: String) {
            self.v = v; self.engine = engine; self.host = host; self.socket = socket
        }
    }

    public struct Snapshot: Sendable, Equatable, Codable {
        /// Moves by one for every applied event; a viewer redraws when it changes.
        public var version: UInt64
        /// The engine's clock when the snapshot was taken.
        public var now: Double
        public var state: PipelineState
        public init(version: UInt64, now: Double, state: PipelineState) {
            self.version = version; self.now = now; self.state = state
        }
    }

    private struct Envelope<T: Codable>: Codable {
        var type: String
        var body: T
    }

    /// One line, newline included.
    public func line() throws -> Data {
        let encoder = JSONEncoder()
        var data: Data
        switch self {
        case .hello(let h): data = try encoder.encode(Tagged(type: "hello", hello: h))
        case .snapshot(let s): data = try encoder.encode(Tagged(type: "snapshot", snapshot: s))
        case .delta(let d): data = try encoder.encode(Tagged(type: "delta", delta: d))
        case .heartbeat(let h): data = try encoder.encode(Tagged(type: "heartbeat", heartbeat: h))
        }
        data.append(0x0A)
        return data
    }

    public static func decode(_ line: Data) throws -> SubscriberMessage {
        let t = try JSONDecoder().decode(Tagged.self, from: line)
        switch t.type {
        case "hello":
            guard let h = t.hello else { throw WireError("hello without its body") }
            return .hello(h)
        case "snapshot":
            guard let s = t.snapshot else { throw WireError("snapshot without its body") }
            return .snapshot(s)
        case "delta":
            guard let d = t.delta else { throw WireError("delta without its body") }
            return .delta(d)
        case "heartbeat":
            guard let h = t.heartbeat else { throw WireError("heartbeat without its body") }
            return .heartbeat(h)
        default:
            throw WireError("unknown subscriber message '\(t.type)'")
        }
    }

    private struct Tagged: Codable {
        var type: String
        var hello: Hello? = nil
        var snapshot: Snapshot? = nil
        var delta: Delta? = nil
        var heartbeat: Heartbeat? = nil
    }
}
