import Foundation
import PipetopCore
import PipetopWire
import Synchronization

/// A viewer's side of subscriber protocol 2: connects, subscribes, keeps the newest Board
/// (applying the engine's deltas to it), tells the engine what the person looks at, and
/// reconnects with backoff when the engine goes away. Runs on its own thread so the dashboard
/// never blocks on the network; reads with the wire module's own parser, not Foundation's.
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
    /// The live connection, for `send` from the dashboard's thread.
    private let connection = Mutex<EngineConnection?>(nil)
    private let onChange: @Sendable () -> Void
    /// Seconds without any line from the engine before the link counts as dead.
    public static let silenceLimit = 20.0
    /// Longest wait between reconnection attempts, seconds (5 for a local socket; remote
    /// hosts are given more).
    public let maxBackoff: Double

    /// `onChange` is called (on the feed's thread) after every new snapshot or link change.
    public init(path: String, fps: Double = 10, onChange: @escaping @Sendable () -> Void) {
        self.path = path
        self.fps = fps
        self.onChange = onChange
        maxBackoff = 5
        connect = { try EngineConnection(path: path) }
    }

    /// A feed over a connection that `connect` opens (again after each loss): a command such as
    /// `ssh HOST pipetop bridge` whose standard input and output carry the protocol.
    public init(label: String, fps: Double = 10, maxBackoff: Double = 30, connect: @escaping @Sendable () throws -> EngineConnection,
                onChange: @escaping @Sendable () -> Void) {
        path = label
        self.fps = fps
        self.maxBackoff = maxBackoff
        self.connect = connect
        self.onChange = onChange
    }

    public func start() {
        let t = Thread { [self] in self.loop() }
        t.name = "pipetop-feed"
        t.start()
    }

    public func stop() {
        stopped.store(true, ordering: .releasing)
        // Wake the reader now, not at its next timeout (a pipe to ssh cannot be shut down:
        // that one notices within `idleWait`).
        connection.withLock { c in if let c { _ = shutdown(c.fd, Int32(SHUT_RDWR)) } }
    }

    /// How long the reader waits for a line before it looks at the clock again: long, so an
    /// idle feed seldom wakes (the engine sends at least a heartbeat every 5 s, and silence
    /// only counts after `silenceLimit`).
    static let idleWait = 2.0

    public var current: Latest { latest.withLock { $0 } }

    /// Sends events on the subscription's connection (acknowledgements). Dropped while the
    /// engine is unreachable: the alert is still there to acknowledge once it is back.
    public func send(_ events: [Event]) {
        let text = events.map(EventEncoder.line).joined()
        connection.withLock { c in
            guard let c else { return }
            try? c.send(text)
        }
    }

    /// What the person looks at: that phase's steps and that job's timelines come from now on.
    public func focus(job: String?, phase: String?) {
        focused.withLock { $0 = (job, phase) }
        let line = JSONWriter.string(.object([("type", .string("focus"))] + Self.focusFields(job: job, phase: phase))) + "\n"
        connection.withLock { c in try? c?.send(line) }
    }

    static func focusFields(job: String?, phase: String?) -> [(String, JSONValue)] {
        (job.map { [("job", JSONValue.string($0))] } ?? []) + (phase.map { [("phase", JSONValue.string($0))] } ?? [])
    }

    private func update(_ f: (inout Latest) -> Void) {
        latest.withLock { l in f(&l); l.version &+= 1 }
        onChange()
    }

    private func loop() {
        var backoff = 0.25
        while !stopped.load(ordering: .acquiring) {
            do {
                let conn = try connect()
                connection.withLock { $0 = conn }
                var counted = 0
                defer {
                    connection.withLock { $0 = nil }
                    conn.close()
                }
                let (job, phase) = focused.withLock { $0 }
                var subscribe: [(String, JSONValue)] = [("type", .string("subscribe")), ("v", .int(BoardMessage.version)), ("fps", .double(fps))]
                if job != nil { subscribe.append(("focus", .object(Self.focusFields(job: job, phase: phase)))) }
                try conn.send(JSONWriter.string(.object(subscribe)) + "\n")
                var heardAt = Date()
                // The Board as the engine sent it: deltas apply to this.
                var mirror: BoardMirror?
                backoff = 0.25
                while !stopped.load(ordering: .acquiring) {
                    let line = try conn.readLine(timeout: Self.idleWait)
                    received.withLock { $0 += conn.bytesRead - counted }
                    counted = conn.bytesRead
                    guard let line else {
                        // The engine sends at least a heartbeat every 5 s: silence is a dead link.
                        if Date().timeIntervalSince(heardAt) > Self.silenceLimit {
                            throw ClientError("no word from the engine for \(Int(Self.silenceLimit)) s")
                        }
                        continue
                    }
                    heardAt = Date()
                    let msg: BoardMessage
                    do { msg = try BoardMessage.decode(line) } catch let e as WireError {
                        // An engine of another protocol, or one that refused: said, not retried blindly.
                        if line.contains(#""type":"snapshot""#) || line.contains(#""type":"error""#) { throw ClientError(e.reason) }
                        continue
                    }
                    switch msg {
                    case .hello(let h):
                        guard h.v >= BoardMessage.version else {
                            throw ClientError("the engine speaks subscriber protocol \(h.v); this viewer speaks \(BoardMessage.version): update pipetop on the engine's host")
                        }
                        update { $0.hello = h; $0.link = .live }
                    case .board(_, let value):
                        guard let m = try? BoardMirror(value) else { continue }
                        mirror = m
                        update { $0.board = m.board; $0.link = .live }
                    case .delta(_, let changes):
                        // Applied to the last Board (only the jobs it names are decoded again);
                        // without one, or when it does not apply, the next whole Board is awaited.
                        guard mirror != nil else { continue }
                        do { try mirror!.apply(changes) } catch { mirror = nil; continue }
                        let board = mirror!.board
                        update { $0.board = board }
                    case .heartbeat, .event, .skipped: continue
                    }
                }
            } catch {
                let why = (error as? ClientError)?.description ?? "\(error)"
                update { $0.link = .lost(why) }
                // Back off (up to 30 s for a remote host), waking early to stop.
                let until = Date().addingTimeInterval(backoff)
                while Date() < until && !stopped.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.05) }
                backoff = min(maxBackoff, backoff * 2)
            }
        }
    }
}
