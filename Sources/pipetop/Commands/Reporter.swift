import Foundation
import PipetopClient
import PipetopEngine
import PipetopCore
import PipetopSpool
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

/// `pipetop run`'s reports to the engine. Never blocks or slows the command: `send` only puts
/// the line in a bounded queue (every event stamped with the time it happened); a background
/// thread delivers it and confirms it with a `sync`. While no engine answers, lines wait in
/// the queue (past `queueLimit` the oldest go to the spool); `finish()` waits briefly for the
/// queue to be delivered, then puts what is left (the `job.end` with it) in the spool, for the
/// next engine on the socket.
final class Reporter: @unchecked Sendable {
    let job: String
    private let socket: String
    private let spool: Spool
    /// Lines held in memory before the oldest go to the spool.
    static let queueLimit = 10_000
    /// How long `finish()` waits for the queue to be delivered, in seconds.
    static let finishWait = 3.0

    private let cond = NSCondition()
    /// Lines not yet given to an engine, oldest first.
    private var queue: [String] = []
    /// Lines written to the engine and not yet confirmed (resent or spooled if it dies).
    private var inflight: [String] = []
    private var preambleLines: [String] = []
    private var preambleEvents: [Event] = []
    private var closing = false
    private var done = false
    /// The last connect failed: `sync()` does not wait for an engine that is not there.
    private var engineDown = false
    private var warned = false

    /// Sent first on every new connection, so an engine that was not there (or restarted
    /// without history) learns the job before its progress. Stamped when set.
    var preamble: [Event] {
        get { cond.withLock { preambleEvents } }
        set {
            let now = Date().timeIntervalSince1970
            let lines = newValue.map { e -> String in
                var e = e
                e.ts = e.ts ?? now
                return EventEncoder.line(e)
            }
            cond.withLock { preambleEvents = newValue; preambleLines = lines }
        }
    }

    /// Who speaks in the lines on stderr, and what goes on without an engine.
    private let who: String
    private let goesOn: String

    init(socket: String, job: String, who: String = "pipetop run", goesOn: String = "the command runs on") {
        self.socket = socket
        self.job = job
        self.who = who
        self.goesOn = goesOn
        spool = Spool(socket: socket)
        let t = Thread { [self] in self.deliver() }
        t.name = "pipetop-run-reporter"
        t.start()
    }

    private func warn(_ why: String) {
        let first = cond.withLock { () -> Bool in defer { warned = true }; return !warned }
        guard first, ProcessInfo.processInfo.environment["PIPETOP_QUIET"] != "1" else { return }
        EmitCommand.say("\(who): \(why)")
    }

    func send(_ e: Event) {
        var e = e
        e.ts = e.ts ?? Date().timeIntervalSince1970
        enqueue(EventEncoder.line(e))
    }

    /// A `PIPETOP {...}` line from the command: sent as is, with this job and the time filled in.
    func sendRaw(_ json: JSONValue) {
        guard case .object(var members) = json else { return }
        if !members.contains(where: { $0.0 == "job" }) { members.append(("job", .string(job))) }
        if !members.contains(where: { $0.0 == "ts" }) { members.append(("ts", .double(Date().timeIntervalSince1970))) }
        enqueue(JSONWriter.string(.object(members)) + "\n")
    }

    /// Called from the command's output relay: takes the lock only to append.
    private func enqueue(_ line: String) {
        var spill: [String] = []
        cond.withLock {
            if done {
                spill = [line]
                return
            }
            queue.append(line)
            // No engine for a long while: the oldest half goes to disk, the queue stays bounded.
            if queue.count > Self.queueLimit {
                spill = Array(queue.prefix(Self.queueLimit / 2))
                queue.removeFirst(spill.count)
            }
            cond.signal()
        }
        if !spill.isEmpty { keep(spill) }
    }

    private func keep(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        do {
            if case .dropped = try spool.append(lines.joined()) {
                warn("the spool \(spool.root) is full: events of this job are dropped")
            }
        } catch {
            warn("events of this job are lost: \(error)")
        }
    }

    /// Waits (at most a second) until the engine has applied everything sent so far; at once
    /// when there is no engine.
    func sync() {
        let deadline = Date().addingTimeInterval(1)
        cond.withLock {
            while !(queue.isEmpty && inflight.isEmpty) && !engineDown && !done {
                if !cond.wait(until: deadline) { break }
            }
        }
    }

    /// Waits (at most `finishWait` s) until everything is delivered; what is left goes to the
    /// spool. Later sends go straight to the spool.
    func finish() {
        let deadline = Date().addingTimeInterval(Self.finishWait)
        let left = cond.withLock { () -> [String] in
            closing = true
            cond.broadcast()
            while !done {
                if !cond.wait(until: deadline) { break }
            }
            guard !done else { return [] }
            // The sender is held by a stuck engine: what it has not picked up is spooled here
            // (what it is writing is in the engine's socket, and not doubled).
            done = true
            defer { queue.removeAll() }
            return queue
        }
        keep(left)
    }

    // MARK: - The sender thread

    private var connection: EngineConnection?
    private var nextAttempt = 0.0

    private func deliver() {
        while true {
            let now = Date().timeIntervalSince1970
            let (closingNow, stop) = cond.withLock { () -> (Bool, Bool) in
                while !closing && !done && (queue.isEmpty || (connection == nil && Date().timeIntervalSince1970 < nextAttempt)) {
                    let wake = connection == nil && !queue.isEmpty ? Date(timeIntervalSince1970: nextAttempt) : Date().addingTimeInterval(1)
                    cond.wait(until: wake)
                }
                if done { return (closing, true) }
                if closing && queue.isEmpty { done = true; cond.broadcast(); return (true, true) }
                return (closing, false)
            }
            if stop { connection?.close(); return }
            if connection == nil && (now >= nextAttempt || closingNow) { connect() }
            guard let c = connection else {
                if closingNow {
                    // No engine at the end: everything goes to the spool, job.end with it.
                    // (`done` is set once they are on disk: `finish` waits for it.)
                    let left = cond.withLock { () -> [String] in defer { queue.removeAll() }; return queue }
                    keep(left)
                    let late = cond.withLock { () -> [String] in
                        done = true
                        cond.broadcast()
                        defer { queue.removeAll() }
                        return queue
                    }
                    keep(late)
                    return
                }
                continue
            }
            let batch = cond.withLock { () -> [String] in
                inflight = queue
                queue.removeAll()
                return inflight
            }
            do {
                try c.send(batch.joined())
                _ = try c.sync(timeout: 1)
                cond.withLock { inflight.removeAll(); cond.broadcast() }
            } catch let e as ClientError where e.timedOut {
                // A stuck engine: what was written is in its socket (applied when it reads it,
                // not doubled); later lines wait for a connection that answers.
                cond.withLock { inflight.removeAll(); cond.broadcast() }
                drop(c, why: "the engine at \(socket) does not answer; \(goesOn), its events are kept for later")
            } catch {
                // A dead or refusing engine: the lines go again, to the next one or the spool.
                cond.withLock { queue.insert(contentsOf: inflight, at: 0); inflight.removeAll(); cond.broadcast() }
                let refused = (error as? ClientError)?.refused == true
                drop(c, why: refused ? "\(error)" : "lost the engine at \(socket); \(goesOn), its events are kept for later")
            }
        }
    }

    private func connect() {
        nextAttempt = Date().timeIntervalSince1970 + 1
        do {
            let c = try EngineConnection(path: socket, connectTimeout: 0.2)
            // A stuck engine must not hold this thread (nor `finish`) for long.
            c.setSendTimeout(0.5)
            // Another user's engine gets nothing before it has said it takes us.
            if !c.peerIsOwn { _ = try c.sync(timeout: 1, durable: false) }
            let preamble = cond.withLock { preambleLines }
            if !preamble.isEmpty { try c.send(preamble.joined()) }
            connection = c
            cond.withLock { engineDown = false }
        } catch {
            cond.withLock { engineDown = true; cond.broadcast() }
            warn("\(error); \(goesOn), its events are kept for the next engine")
        }
    }

    private func drop(_ c: EngineConnection, why: String) {
        c.close()
        connection = nil
        nextAttempt = Date().timeIntervalSince1970 + 1
        cond.withLock { engineDown = true; cond.broadcast() }
        warn(why)
    }
}
