import PipetopCore

/// Subscriber protocol 3 (docs/PROTOCOL.md, "Viewers"): what the engine sends a viewer that
/// subscribed with `"v":3` (or 2: the same, in the states protocol 2 knows). A hello, the Board, then field-level deltas of it (`MergePatch`)
/// at most at the viewer's frame rate and only when something changed; a heartbeat when
/// nothing did for a while; and, to viewers that asked, every applied event in order.
public enum BoardMessage: Sendable, Equatable {
    /// The subscriber protocol this engine speaks. 3: a phase or step may be `canceled`, and
    /// a viewer reads a state it does not know as unknown instead of dropping the frame.
    public static let version = 3
    /// The oldest it still serves (`BoardForOlderViewers`) and, for a viewer, the oldest engine
    /// it reads (an engine of 2 never sends a state a viewer of 3 does not know).
    public static let oldest = 2

    case hello(SubscriberHello)
    /// The whole Board (as JSON: the viewer decodes it, or keeps it to apply deltas to).
    case board(version: UInt64, board: JSONValue)
    /// What changed since the Board (or delta) sent before.
    case delta(version: UInt64, changes: JSONValue)
    case heartbeat(now: Double)
    /// An applied event, numbered (`seq` counts every event the engine applied since it
    /// started; a viewer resumes after a reconnect with `since`).
    case event(seq: UInt64, event: JSONValue)
    /// Events this viewer did not get (it did not read fast enough, or `since` is older than
    /// what the engine keeps): it should take the Board as the truth from here.
    case skipped(from: UInt64, to: UInt64)

    /// One line, newline included.
    public func line() -> String {
        let v: JSONValue
        switch self {
        case .hello(let h):
            v = .object([("type", .string("hello")), ("v", .int(h.v)), ("engine", .string(h.engine)), ("host", .string(h.host)),
                         ("socket", .string(h.socket))])
        case .board(let version, let board):
            v = .object([("type", .string("board")), ("version", .int(Int(truncatingIfNeeded: version))), ("board", board)])
        case .delta(let version, let changes):
            v = .object([("type", .string("board.delta")), ("version", .int(Int(truncatingIfNeeded: version))), ("changes", changes)])
        case .heartbeat(let now):
            v = .object([("type", .string("heartbeat")), ("now", .double(now))])
        case .event(let seq, let event):
            v = .object([("type", .string("event")), ("seq", .int(Int(truncatingIfNeeded: seq))), ("event", event)])
        case .skipped(let from, let to):
            v = .object([("type", .string("skipped")), ("from", .int(Int(truncatingIfNeeded: from))), ("to", .int(Int(truncatingIfNeeded: to)))])
        }
        return JSONWriter.string(v) + "\n"
    }

    /// A line from the engine (newline optional). A line of subscriber protocol 1 or an
    /// error reply is refused with what it says.
    public static func decode(_ line: String) throws -> BoardMessage {
        let v: JSONValue
        do { v = try JSONParser.parse(line) } catch { throw WireError("not JSON: \(error.message) at column \(error.column)") }
        guard case .string(let type)? = v["type"] else { throw WireError("a message without a type") }
        func u64(_ key: String) throws -> UInt64 {
            guard case .int(let i)? = v[key], i >= 0 else { throw WireError("\(type) without its '\(key)'") }
            return UInt64(i)
        }
        switch type {
        case "hello":
            guard case .int(let version)? = v["v"] else { throw WireError("hello without its version") }
            func text(_ k: String) -> String { if case .string(let s)? = v[k] { return s } else { return "" } }
            return .hello(.init(v: version, engine: text("engine"), host: text("host"), socket: text("socket")))
        case "board":
            guard let b = v["board"] else { throw WireError("board without the board") }
            return .board(version: try u64("version"), board: b)
        case "board.delta":
            guard let c = v["changes"] else { throw WireError("board.delta without its changes") }
            return .delta(version: try u64("version"), changes: c)
        case "heartbeat":
            return .heartbeat(now: v["now"]?.number ?? 0)
        case "event":
            guard let e = v["event"] else { throw WireError("event without the event") }
            return .event(seq: try u64("seq"), event: e)
        case "skipped":
            return .skipped(from: try u64("from"), to: try u64("to"))
        case "error":
            if case .string(let reason)? = v["reason"] { throw WireError(reason) }
            throw WireError("the engine refused the subscription")
        case "snapshot", "delta":
            throw WireError("the engine speaks subscriber protocol 1; this viewer speaks \(version): update pipetop on the engine's host")
        default:
            throw WireError("unknown subscriber message '\(type)'")
        }
    }
}
