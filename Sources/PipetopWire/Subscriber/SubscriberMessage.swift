import Foundation
import PipetopCore

/// What the engine sends to a viewer after `subscribe`: a hello, then snapshots of the whole
/// state, at most at the viewer's frame rate and only when something changed.
public enum SubscriberMessage: Sendable, Equatable {
    case hello(Hello)
    case snapshot(Snapshot)

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
        case .hello(let h): data = try encoder.encode(Tagged(type: "hello", hello: h, snapshot: nil))
        case .snapshot(let s): data = try encoder.encode(Tagged(type: "snapshot", hello: nil, snapshot: s))
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
        default:
            throw WireError("unknown subscriber message '\(t.type)'")
        }
    }

    private struct Tagged: Codable {
        var type: String
        var hello: Hello?
        var snapshot: Snapshot?
    }
}
