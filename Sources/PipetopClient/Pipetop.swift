import Foundation
import PipetopCore
import PipetopSpool
import PipetopWire
import Synchronization

/// Reporting from Swift, the same shape as the Python client:
///
///     try await PipetopReport.job("import", phases: ["fetch", "load"]) { job in
///         try job.phase("fetch", total: pages.count) { ph in
///             for page in pages { try fetch(page); ph.advance() }
///         }
///     }
///
/// or step by step with `Job.start`, `phase(_:)`, `Phase.start/advance/end`, `Job.end`.
/// It never hurts the program: no engine means no error and no wait; messages (each stamped
/// with the time it happened) wait in a bounded buffer and go out when an engine appears (the
/// live jobs are announced again after a reconnect); what is still undelivered when a job
/// ends, or overflows the buffer, goes to the spool for the next engine on the socket;
/// progress is a counter the sender reads 20 times a second.
public enum PipetopReport {
    /// Runs `body` as a job: completed when it returns, failed with the error's text when it
    /// throws (the error is rethrown).
    public static func job<T>(_ name: String, phases: [String] = [], id: String? = nil, labels: [String: String] = [:],
                              _ body: (Job) throws -> T) rethrows -> T {
        let job = Job(name, phases: phases, id: id, labels: labels).start()
        do {
            let result = try body(job)
            job.end()
            return result
        } catch {
            job.log("\(error)", level: .error)
            job.end(status: .failed, error: "\(error)")
            throw error
        }
    }

    /// Where to report (nil: $PIPETOP_SOCKET, else the engine's default); set before the first job.
    public static var socket: String? {
        get { ReportSender.override.withLock { $0 } }
        set { ReportSender.override.withLock { $0 = newValue } }
    }

    /// Waits (at most `timeout` s) until what was reported went out.
    @discardableResult
    public static func flush(timeout: Double = 2) -> Bool { ReportSender.shared.flush(timeout: timeout) }

    /// The data of the job's last checkpoint, from the engine (the protocol's `resume`), asked on
    /// this process's connection after what it sent; nil when there is none, no engine, or no
    /// answer within `timeout` s. Ask before the job starts again: a new run of a finished job
    /// starts with no checkpoint.
    public static func resume(_ job: String, timeout: Double = 2) -> JSONValue? {
        guard let answer = resumeAnswer(job, timeout: timeout), let c = answer["checkpoint"], c != .null else { return nil }
        return c["data"]
    }

    /// The engine's whole answer to `resume` (known, state, run, checkpoint), or nil.
    public static func resumeAnswer(_ job: String, timeout: Double = 2) -> JSONValue? {
        ReportSender.shared.resume(job: job, timeout: timeout)
    }
}

/// One job of this process.
public final class Job: @unchecked Sendable {
    public let id: String
    public let name: String
    public let labels: [String: String]
    let declared: [String]
    /// False under `pipetop run` ($PIPETOP_JOB): the job is `run`'s, which ends it.
    let owned: Bool
    private let lock = NSLock()
    private var phases: [String: Phase] = [:]
    private var ended = false
    let sender: ReportSender
    /// When `start()` was called: the job.start sent again after a reconnect keeps it.
    private(set) var startedAt: Double?

    public init(_ name: String, phases: [String] = [], id: String? = nil, labels: [String: String] = [:]) {
        let inherited = ProcessInfo.processInfo.environment["PIPETOP_JOB"].flatMap { $0.isEmpty ? nil : $0 }
        owned = id != nil || inherited == nil
        // The name is the id by default: each run is a new run of the same job (history,
        // estimates and metrics follow it). Give `id` for jobs that run side by side.
        self.id = id ?? inherited ?? name
        self.name = name
        self.labels = labels
        declared = phases
        sender = ReportSender.shared
    }

    var startEvent: Event {
        Event(job: id, ts: startedAt, .jobStart(.init(name: name, phases: declared.map { .init(id: $0) }, pid: getpid(), labels: labels)))
    }

    @discardableResult
    public func start() -> Job {
        startedAt = Date().timeIntervalSince1970
        sender.register(self)
        sender.send(startEvent)
        return self
    }

    /// The phase `name` (created on first use).
    public func phase(_ name: String, total: Int? = nil, unit: String? = nil) -> Phase {
        lock.withLock {
            if let p = phases[name] { if let total { p.total = total }; return p }
            let p = Phase(job: self, name: name, total: total, unit: unit)
            phases[name] = p
            return p
        }
    }

    /// Runs `body` in the phase: done when it returns, failed with the error's text when it throws.
    public func phase<T>(_ name: String, total: Int? = nil, unit: String? = nil, _ body: (Phase) throws -> T) rethrows -> T {
        let p = phase(name, total: total, unit: unit).start()
        do {
            let r = try body(p)
            p.end()
            return r
        } catch {
            p.end(status: .failed, error: "\(error)")
            throw error
        }
    }

    var livePhases: [Phase] { lock.withLock { Array(phases.values) } }

    public func checkpoint(_ name: String, data: JSONValue? = nil, phase: String? = nil) {
        sender.send(Event(job: id, .checkpoint(.init(name: name, phase: phase, data: data))))
    }

    public func metric(_ name: String, _ value: Double, kind: MetricKind = .gauge, phase: String? = nil) {
        sender.send(Event(job: id, .metric(.init(name: name, value: value, kind: kind, phase: phase))))
    }

    public func log(_ message: String, level: LogLevel = .info, phase: String? = nil, category: String? = nil) {
        sender.send(Event(job: id, .log(.init(level: level, message: message, phase: phase, category: category))))
    }

    /// An alert for a person; `labels` go with it to notifications, `context` (a JSON object)
    /// is carried as sent; `resolved` closes the alert of that name.
    public func alert(_ message: String, severity: Alert.Severity = .warning, name: String? = nil, phase: String? = nil,
                      labels: [String: String] = [:], context: JSONValue? = nil, resolved: Bool = false) {
        sender.send(Event(job: id, .alert(.init(severity: severity, message: message, phase: phase, name: name, resolved: resolved,
                                                labels: labels, context: context))))
    }

    /// Moves the job to `state`: `.paused`, `.running` (docs/PROTOCOL.md, `job.state`).
    public func state(_ state: JobState) {
        sender.send(Event(job: id, .jobState(state)))
    }

    /// Ends the job (and the phases still running); under `pipetop run` only its phases.
    public func end(status: JobState = .completed, error: String? = nil) {
        let first = lock.withLock { () -> Bool in
            if ended { return false }
            ended = true
            return true
        }
        guard first else { return }
        for p in livePhases where p.isRunning {
            // A canceled job's running phases were stopped, not failed: the engine ends them
            // canceled at the job's end (a producer cannot say it), so only their counts go.
            if status == .canceled && owned { p.stop() } else { p.end(status: status == .completed ? .done : .failed, error: error) }
        }
        if owned { sender.send(Event(job: id, .jobEnd(.init(status: status, error: error)))) }
        sender.unregister(self)
        // No engine now: what waits goes to the spool, so the next engine learns how it ended.
        if !sender.flush(timeout: 1) { sender.spoolPending() }
    }
}

/// One phase. `advance` only adds to an atomic counter; the sender thread reads it.
public final class Phase: @unchecked Sendable {
    public unowned let job: Job
    public let name: String
    public internal(set) var total: Int?
    public let unit: String?
    private let done = Atomic<Int>(0)
    private let failedItems = Atomic<Int>(0)
    private let skippedItems = Atomic<Int>(0)
    /// What the sender last sent (-1: nothing), and whether the phase runs.
    let sent = Atomic<Int>(-1)
    let sentFailed = Atomic<Int>(-1)
    let sentSkipped = Atomic<Int>(-1)
    private let state = Atomic<Int>(0)  // 0 pending, 1 running, 2 ended
    private var startedAt: Double?

    init(job: Job, name: String, total: Int?, unit: String?) {
        self.job = job; self.name = name; self.total = total; self.unit = unit
    }

    public var count: Int { done.load(ordering: .relaxed) }
    public var failed: Int { failedItems.load(ordering: .relaxed) }
    public var skipped: Int { skippedItems.load(ordering: .relaxed) }
    /// Counts the sender has not sent yet.
    var unsent: Bool {
        sent.load(ordering: .relaxed) != count || sentFailed.load(ordering: .relaxed) != failed || sentSkipped.load(ordering: .relaxed) != skipped
    }
    /// The counts as one progress event (failed and skipped once there are any).
    func progressEvent(ts: Double? = nil) -> Event {
        let f = failed, s = skipped
        return Event(job: job.id, ts: ts, .progress(.init(phase: name, done: count, failed: f == 0 && sentFailed.load(ordering: .relaxed) <= 0 ? nil : f,
                                                           skipped: s == 0 && sentSkipped.load(ordering: .relaxed) <= 0 ? nil : s)))
    }
    /// Marks the counts as sent (-1: all again, after a reconnect).
    func markSent(all: Bool = false) {
        sent.store(all ? -1 : count, ordering: .relaxed)
        sentFailed.store(all ? -1 : failed, ordering: .relaxed)
        sentSkipped.store(all ? -1 : skipped, ordering: .relaxed)
    }
    var isRunning: Bool { state.load(ordering: .acquiring) == 1 }

    var startEvent: Event { Event(job: job.id, ts: startedAt, .phaseStart(.init(phase: name, total: total, unit: unit))) }

    @discardableResult
    public func start() -> Phase {
        guard state.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged else { return self }
        startedAt = Date().timeIntervalSince1970
        job.sender.send(startEvent)
        job.sender.watch(self)
        return self
    }

    /// `n` more items done; `failed` and `skipped` more that did not succeed.
    @inline(__always)
    public func advance(_ n: Int = 1, failed: Int = 0, skipped: Int = 0) {
        done.wrappingAdd(n, ordering: .relaxed)
        if failed != 0 { failedItems.wrappingAdd(failed, ordering: .relaxed) }
        if skipped != 0 { skippedItems.wrappingAdd(skipped, ordering: .relaxed) }
    }

    /// CryoProtect's `tracker.update`: `success` more done, `error` more failed, `skipped` more
    /// skipped; `increment` alone counts as done. `errorCategory` (with `error`) adds a warning
    /// log line with that category.
    public func update(increment: Int? = nil, success: Int? = nil, error: Int = 0, skipped: Int = 0, errorCategory: String? = nil) {
        let ok = success ?? (error == 0 && skipped == 0 ? increment ?? 0 : 0)
        advance(ok, failed: error, skipped: skipped)
        if let errorCategory, error > 0 {
            job.log("\(error) item\(error == 1 ? "" : "s") failed", level: .warn, phase: name, category: errorCategory)
        }
    }

    /// Sets the counts (absolute).
    public func set(done d: Int? = nil, failed f: Int? = nil, skipped s: Int? = nil) {
        if let d { done.store(d, ordering: .relaxed) }
        if let f { failedItems.store(f, ordering: .relaxed) }
        if let s { skippedItems.store(s, ordering: .relaxed) }
    }

    /// A sub-step: `step("page 3")`, then `step("page 3", .done)` (or `.failed`; a canceled
    /// job's running steps the engine ends itself).
    public func step(_ id: String, _ state: ReportedStepState = .running, detail: String? = nil) {
        job.sender.send(Event(job: job.id, .step(.init(phase: name, step: id, state: state.state, detail: detail))))
    }

    /// Ends the phase: done, failed (with `error`) or skipped (a canceled job's running phases
    /// the engine ends itself).
    public func end(status: ReportedPhaseEnd = .done, error: String? = nil) {
        guard state.exchange(2, ordering: .acquiringAndReleasing) == 1 else { return }
        job.sender.unwatch(self)
        job.sender.send(progressEvent())
        job.sender.send(Event(job: job.id, .phaseEnd(.init(phase: name, status: status.state, error: error))))
    }

    /// Its final counts, and no end of its own: its job's end ends it (canceled).
    func stop() {
        guard state.exchange(2, ordering: .acquiringAndReleasing) == 1 else { return }
        job.sender.unwatch(self)
        job.sender.send(progressEvent())
    }
}

/// The process's one connection to the engine, on its own thread.
final class ReportSender: @unchecked Sendable {
    static let shared = ReportSender()
    static let interval = 0.05
    static let bufferLimit = 10_000

    private let cond = NSCondition()
    private var queue: [String] = []
    private var jobs: [ObjectIdentifier: Job] = [:]
    private var phases: [ObjectIdentifier: Phase] = [:]
    private var connection: EngineConnection?
    /// The path where the last connect found nobody listening (or an engine that refused us):
    /// until one succeeds, waiting delivers nothing there, so a job's end spools at once.
    private var unreachable: String?
    /// resume() calls waiting for the engine's answer.
    private var waiters: [ResumeWaiter] = []
    private(set) var dropped = 0
    /// $PIPETOP_SOCKET, else $XDG_RUNTIME_DIR/pipetop/pipetop.sock, else /tmp/pipetop-UID/pipetop.sock
    /// (as the engine decides).
    static let override = Mutex<String?>(nil)

    private var path: String {
        if let p = Self.override.withLock({ $0 }) { return p }
        let env = ProcessInfo.processInfo.environment
        if let s = env["PIPETOP_SOCKET"], !s.isEmpty { return s }
        if let d = env["XDG_RUNTIME_DIR"], !d.isEmpty { return d + "/pipetop/pipetop.sock" }
        return "/tmp/pipetop-\(getuid())/pipetop.sock"
    }

    private init() {
        let t = Thread { [unowned self] in self.run() }
        t.name = "pipetop-report"
        t.start()
    }

    func register(_ j: Job) { cond.withLock { jobs[ObjectIdentifier(j)] = j } }
    func unregister(_ j: Job) { cond.withLock { jobs[ObjectIdentifier(j)] = nil } }
    func watch(_ p: Phase) { cond.withLock { phases[ObjectIdentifier(p)] = p } }
    func unwatch(_ p: Phase) { cond.withLock { phases[ObjectIdentifier(p)] = nil } }

    func send(_ e: Event) {
        var e = e
        e.ts = e.ts ?? Date().timeIntervalSince1970
        let spill = cond.withLock { () -> [String] in
            queue.append(EventEncoder.line(e))
            cond.signal()
            // A full buffer (no engine for long): the oldest half goes to the spool.
            guard queue.count > Self.bufferLimit else { return [] }
            defer { queue.removeFirst(Self.bufferLimit / 2) }
            return Array(queue.prefix(Self.bufferLimit / 2))
        }
        if !spill.isEmpty { keep(spill) }
    }

    /// Puts what waits for an engine in the spool, when there is no connection to send it on.
    func spoolPending() {
        let lines = cond.withLock { () -> [String] in
            guard connection == nil else { return [] }
            defer { queue.removeAll() }
            return queue
        }
        keep(lines)
    }

    private var warnedSpool = false

    /// The engine's answer to `resume` for `job`, asked on this connection once what was queued
    /// before went out (so a checkpoint just sent is in it); nil without an engine or in time.
    func resume(job: String, timeout: Double) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        var probed = false
        while true {
            let (pending, connected) = cond.withLock { (!queue.isEmpty || phases.values.contains { $0.isRunning && $0.unsent }, connection?.path == path) }
            if connected && !pending { break }
            if Date() >= deadline || (!connected && !connectable) { return nil }
            if !connected && !probed {
                probed = true
                if nobodyListens(at: path) { return nil }
            }
            cond.withLock { cond.signal() }
            Thread.sleep(forTimeInterval: 0.005)
        }
        let w = ResumeWaiter(job: job)
        cond.withLock {
            waiters.append(w)
            queue.append(JSONWriter.string(.object([("type", .string("resume")), ("job", .string(job))])) + "\n")
            cond.signal()
        }
        let a = w.wait(until: deadline)
        cond.withLock { waiters.removeAll { $0 === w } }
        return a
    }

    /// A reply line: an answer to resume() goes to the call waiting for it.
    private func answer(_ line: String) {
        guard line.hasPrefix(#"{"type":"resume""#), let v = try? JSONParser.parse(line), case .string(let job)? = v["job"] else { return }
        let w = cond.withLock { () -> ResumeWaiter? in
            guard let i = waiters.firstIndex(where: { $0.job == job }) else { return nil }
            return waiters.remove(at: i)
        }
        w?.give(v)
    }

    private func keep(_ lines: [String]) {
        let lines = lines.filter { !$0.hasPrefix(#"{"type":"resume""#) }  // a request, not an event
        guard !lines.isEmpty else { return }
        let spool = Spool(socket: path)
        var problem: String?
        do {
            if case .dropped = try spool.append(lines.joined()) {
                dropped += lines.count
                problem = "the spool \(spool.root) is full: events are dropped"
            }
        } catch {
            dropped += lines.count
            problem = "events are lost: \(error)"
        }
        guard let problem, !cond.withLock({ () -> Bool in defer { warnedSpool = true }; return warnedSpool }) else { return }
        // write(2), not FileHandle.write: that traps when stderr is a closed pipe.
        let bytes = Array("pipetop: \(problem)\n".utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Whether waiting for a connection may deliver: a socket file is there and the last
    /// connect did not find it dead (a stale socket, a regular file) or refused.
    private var connectable: Bool {
        let path = self.path
        return cond.withLock { unreachable } != path && FileManager.default.fileExists(atPath: path)
    }

    /// Nobody listens at `path`: a connect is refused there (a socket file an engine killed
    /// with SIGKILL left, a regular file) or finds nothing. Asked by a caller about to wait when
    /// the sender has not tried this path yet (it may sleep out a backoff, up to 5 s, from
    /// another path); an engine that is there sees a connection closed at once.
    private func nobodyListens(at path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in raw.copyBytes(from: bytes); raw[bytes.count] = 0 }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc != 0, [ECONNREFUSED, ENOENT, ENOTSOCK, ENOTDIR, EPROTOTYPE].contains(errno) else { return false }
        cond.withLock { unreachable = path }
        return true
    }

    func flush(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var probed = false
        while Date() < deadline {
            let (pending, connected) = cond.withLock { (!queue.isEmpty || phases.values.contains { $0.isRunning && $0.unsent }, connection != nil) }
            if !pending { return true }
            if !connected && !connectable { return false }  // no engine: do not wait
            if !connected && !probed {
                probed = true
                if nobodyListens(at: path) { return false }
            }
            cond.withLock { cond.signal() }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    private var warnedRefusal = false

    private func run() {
        var backoff = 0.1
        while true {
            cond.withLock { _ = cond.wait(until: Date().addingTimeInterval(Self.interval)) }
            do {
                // Told to report elsewhere (`PipetopReport.socket`): the old engine is left.
                if let old = connection, old.path != path {
                    cond.withLock { connection = nil }
                    old.close()
                }
                if connection == nil {
                    let c: EngineConnection, target = path
                    do {
                        c = try EngineConnection(path: target, connectTimeout: 0.2)
                    } catch let e as ClientError {
                        // Not for an engine whose listen queue is full: that one is there.
                        cond.withLock { unreachable = e.noEngine || e.refused ? target : nil }
                        throw e
                    }
                    // Another user's engine gets nothing before it has said it takes us.
                    if !c.peerIsOwn { _ = try c.sync(timeout: 1, durable: false) }
                    // A new or restarted engine learns the live jobs again (starting an
                    // unfinished job resumes it; counts are absolute).
                    let (liveJobs, livePhases) = cond.withLock { (Array(jobs.values), Array(phases.values)) }
                    var text = liveJobs.map { EventEncoder.line($0.startEvent) }.joined()
                    text += livePhases.map { EventEncoder.line($0.startEvent) }.joined()
                    try c.send(text)
                    for p in livePhases { p.markSent(all: true) }
                    cond.withLock { connection = c; unreachable = nil }
                    backoff = 0.1
                }
                guard let c = connection else { continue }
                let batch = cond.withLock { () -> [String] in defer { queue.removeAll() }; return queue }
                do {
                    if !batch.isEmpty { try c.send(batch.joined()) }
                } catch {
                    cond.withLock { queue.insert(contentsOf: batch, at: 0) }
                    throw error
                }
                var progress = ""
                for p in cond.withLock({ Array(phases.values) }) where p.isRunning && p.unsent {
                    progress += EventEncoder.line(p.progressEvent(ts: Date().timeIntervalSince1970))
                    p.markSent()
                }
                if !progress.isEmpty { try c.send(progress) }
                if cond.withLock({ waiters.isEmpty }) {
                    c.discardReplies()
                } else {
                    for line in try c.readAvailable() { answer(line) }
                }
                if let why = c.refusedReason { throw ClientError(why, refused: true) }
            } catch {
                // Another user's engine: say why once (the program runs on unreported).
                if let e = error as? ClientError, e.refused, !warnedRefusal {
                    warnedRefusal = true
                    // write(2), not FileHandle.write: that traps when standard error is a closed pipe.
                    let text = Array("pipetop: \(e.description)\n".utf8)
                    _ = text.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
                }
                let dead = cond.withLock { () -> EngineConnection? in defer { connection = nil }; return connection }
                dead?.close()
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(5, backoff * 2)
            }
        }
    }
}
