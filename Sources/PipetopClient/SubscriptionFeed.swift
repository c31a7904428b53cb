import Foundation
import PipetopCore
import PipetopWire
import Synchronization

/// A viewer's side of subscriber protocol 3 (it reads engines of 2 too): connects, subscribes, keeps the newest Board
/// (applying the engine's deltas to it), tells the engine what the person looks at, and
/// reconnects with backoff when the engine goes away. Driven by `pump()`: the dashboard polls
/// `fd` beside the keyboard and pumps on its own thread (one wakeup per frame, no thread of
/// ours); `start()` runs the same pump on a thread of its own for callers without a loop.
/// Never blocks on the network: reads take what is there; reads with the wire module's own
/// parser, not Foundation's.
public final class SubscriptionFeed: Sendable {
    public enum Link: Sendable, Equatable {
        case connecting
        case live
        case lost(String)
    }

    public struct Latest: Sendable {
        public var version: UInt64
        public var hello: SubscriberHello?
        /// The newest Board (nil before the first).
        public var board: Board?
        public var link: Link
    }

    /// The socket path, or what the connector reaches (`ssh web1 pipetop bridge`).
    public let path: String
    public let fps: Double
    private let connect: @Sendable () throws -> EngineConnection
    /// Bytes received from the engine so far, over every connection (bandwidth figures).
    public var bytesReceived: Int { received.withLock { $0 } }
    private let received = Mutex(0)
    private let latest = Mutex(Latest(version: 0, hello: nil, board: nil, link: .connecting))
    /// What the person looks at (sent again after a reconnect).
    private let focused = Mutex<(job: String?, phase: String?)>((nil, nil))
    private let stopped = Atomic(false)
    /// The connection and what arrived on it; only `pump` reads it, `send` writes on it.
    private let session = Mutex(Session())
    private let onChange: @Sendable () -> Void
    /// Seconds without any line from the engine before the link counts as dead.
    public static let silenceLimit = 20.0
    /// Longest wait between reconnection attempts, seconds (5 for a local socket; remote
    /// hosts are given more).
    public let maxBackoff: Double

    private struct Session: @unchecked Sendable {
        var conn: EngineConnection?
        /// `conn.bytesRead` already added to `received`.
        var counted = 0
        /// The Board as the engine sent it: deltas apply to this.
        var mirror: BoardMirror?
        var heardAt = 0.0
        var backoff = 0.25
        /// When to try to connect again (after a loss).
        var retryAt = 0.0
    }

    /// `onChange` is called (on the pumping thread) after every new snapshot or link change.
    public init(path: String, fps: Double = 10, onChange: @escaping @Sendable () -> Void = {}) {
        self.path = path
        self.fps = fps
        self.onChange = onChange
        maxBackoff = 5
        // Short: the first connect happens on the dashboard's thread (an engine whose listen
        // queue is full is retried with backoff, not waited for).
        connect = { try EngineConnection(path: path, connectTimeout: 1) }
    }

    /// A feed over a connection that `connect` opens (again after each loss): a command such as
    /// `ssh HOST pipetop bridge` whose standard input and output carry the protocol.
    public init(label: String, fps: Double = 10, maxBackoff: Double = 30, connect: @escaping @Sendable () throws -> EngineConnection,
                onChange: @escaping @Sendable () -> Void = {}) {
        path = label
        self.fps = fps
        self.maxBackoff = maxBackoff
        self.connect = connect
        self.onChange = onChange
    }

    /// Pumps on a thread of its own (for callers without a loop of their own: tests, tools).
    public func start() {
        let t = Thread { [self] in
            while !self.stopped.load(ordering: .acquiring) {
                let wait = self.pump()
                var p = pollfd(fd: self.fd ?? -1, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, Int32(min(wait, 0.25) * 1000) + 1)
            }
        }
        t.name = "pipetop-feed"
        t.start()
    }

    public func stop() {
        stopped.store(true, ordering: .releasing)
        // Closed now (an ssh bridge is ended); a thread of `start()` notices within 0.25 s.
        session.withLock { s in s.conn?.close(); s.conn = nil }
    }

    /// The descriptor to poll for reading (nil while not connected: pump again after the
    /// seconds `pump` returned).
    public var fd: Int32? { session.withLock { $0.conn?.fd } }

    public var current: Latest { latest.withLock { $0 } }

    /// When the next attempt to connect is due (wall clock), while not connected.
    public var nextAttempt: Double? { session.withLock { $0.conn == nil ? $0.retryAt : nil } }

    /// Sends events on the subscription's connection (acknowledgements). Dropped while the
    /// engine is unreachable: the alert is still there to acknowledge once it is back.
    public func send(_ events: [Event]) {
        let text = events.map(EventEncoder.line).joined()
        session.withLock { s in try? s.conn?.send(text) }
    }

    /// Asks the engine to signal a job's process (the outcome comes back in the job's log).
    public func signal(job: String, signal: String, by: String) {
        let line = JSONWriter.string(.object([("type", .string("signal")), ("job", .string(job)), ("signal", .string(signal)), ("by", .string(by))])) + "\n"
        session.withLock { s in try? s.conn?.send(line) }
    }

    /// What the person looks at: that phase's steps and that job's timelines come from now on.
    public func focus(job: String?, phase: String?) {
        focused.withLock { $0 = (job, phase) }
        let line = JSONWriter.string(.object([("type", .string("focus"))] + Self.focusFields(job: job, phase: phase))) + "\n"
        session.withLock { s in try? s.conn?.send(line) }
    }

    static func focusFields(job: String?, phase: String?) -> [(String, JSONValue)] {
        (job.map { [("job", JSONValue.string($0))] } ?? []) + (phase.map { [("phase", JSONValue.string($0))] } ?? [])
    }

    private func update(_ f: (inout Latest) -> Void) {
        latest.withLock { l in f(&l); l.version &+= 1 }
        onChange()
    }

    /// Takes in what the engine sent (without waiting: call it when `fd` is readable, or when
    /// the seconds it last returned have passed), connects when due, notices a dead link.
    /// Returns the seconds after which it must be called again even if nothing arrives.
    @discardableResult
    public func pump() -> Double {
        guard !stopped.load(ordering: .acquiring) else { return 1 }
        let now = Date().timeIntervalSince1970
        return session.withLock { s -> Double in
            do {
                if s.conn == nil {
                    if now < s.retryAt { return s.retryAt - now }
                    let conn = try connect()
                    s.conn = conn
                    s.counted = 0
                    s.mirror = nil
                    s.heardAt = now
                    let (job, phase) = focused.withLock { $0 }
                    var subscribe: [(String, JSONValue)] = [("type", .string("subscribe")), ("v", .int(BoardMessage.version)), ("fps", .double(fps))]
                    if job != nil { subscribe.append(("focus", .object(Self.focusFields(job: job, phase: phase)))) }
                    try conn.send(JSONWriter.string(.object(subscribe)) + "\n")
                    s.backoff = 0.25
                }
                let conn = s.conn!
                let lines = try conn.readAvailable()
                received.withLock { $0 += conn.bytesRead - s.counted }
                s.counted = conn.bytesRead
                if lines.isEmpty {
                    // The engine sends at least a heartbeat every 5 s: silence is a dead link.
                    let left = s.heardAt + Self.silenceLimit - now
                    if left < 0 { throw ClientError("no word from the engine for \(Int(Self.silenceLimit)) s") }
                    return left
                }
                s.heardAt = now
                if try take(lines, into: &s.mirror) { let board = s.mirror!.board; update { $0.board = board; $0.link = .live } }
                return Self.silenceLimit
            } catch {
                s.conn?.close()
                s.conn = nil
                s.mirror = nil
                let why = (error as? ClientError)?.description ?? "\(error)"
                update { $0.link = .lost(why) }
                // Back off (up to 30 s for a remote host).
                s.retryAt = now + s.backoff
                s.backoff = min(maxBackoff, s.backoff * 2)
                return s.retryAt - now
            }
        }
    }

    /// Applies the lines that arrived in one read; true when the Board moved (published once,
    /// however many deltas came).
    private func take(_ lines: [String], into mirror: inout BoardMirror?) throws -> Bool {
        var moved = false
        for line in lines {
            let msg: BoardMessage
            do { msg = try BoardMessage.decode(line) } catch let e as WireError {
                // An engine of another protocol, or one that refused: said, not retried blindly.
                if line.contains(#""type":"snapshot""#) || line.contains(#""type":"error""#) { throw ClientError(e.reason) }
                continue
            }
            switch msg {
            case .hello(let h):
                // An engine of protocol 2 sends only states this viewer knows.
                guard h.v >= BoardMessage.oldest else {
                    throw ClientError("the engine speaks subscriber protocol \(h.v); this viewer speaks \(BoardMessage.version): update pipetop on the engine's host")
                }
                update { $0.hello = h; $0.link = .live }
            case .board(_, let value):
                guard let m = try? BoardMirror(value) else { continue }
                mirror = m
                moved = true
            case .delta(_, let changes):
                // Applied to the last Board (only the jobs it names are decoded again);
                // without one, or when it does not apply, the next whole Board is awaited.
                guard mirror != nil else { continue }
                do { try mirror!.apply(changes); moved = true } catch { mirror = nil; moved = false; continue }
            case .heartbeat, .event, .skipped: continue
            }
        }
        return moved && mirror != nil
    }
}
