import Foundation
import PipetopCore
import PipetopStore
import PipetopWire
import Synchronization

/// Sends alerts that start firing, keep firing unacknowledged, or resolve, to the configured
/// targets. `observe` only compares and queues (it runs on the engine's timer); each target
/// has its own thread, a bounded queue, and retries with backoff, so a slow or dead receiver
/// never slows the engine. A notification that fails every attempt is given up and recorded.
/// What each target was last sent for each alert is kept in the engine's database (`ledger`),
/// so a restart sends neither `firing` again nor a repeat before its time.
public final class Notifier: Sendable {
    public let targets: [NotifyTarget]
    private let couriers: [Courier]
    private let host: String
    private let ledger: NotifyLedger?
    /// Alert ids looked at by the last `observe` (those then gone are forgotten); at start,
    /// those the ledger holds.
    private let known: Mutex<Set<String>>

    /// `giveUp` is told (from a courier thread) about every notification given up. `ledger`
    /// (nil: nothing kept across restarts) holds what was sent before.
    public init(targets: [NotifyTarget], host: String, ledger: NotifyLedger? = nil,
                giveUp: @escaping @Sendable (NotifyTarget, String) -> Void = { _, _ in }) {
        self.targets = targets
        self.host = host
        self.ledger = ledger
        let before = ledger?.load() ?? []
        known = Mutex(Set(before.map(\.alert)))
        // Each target's key in the ledger: its name, numbered when two targets share one.
        var names: [String: Int] = [:]
        couriers = targets.map { t in
            names[t.name, default: 0] += 1
            let key = names[t.name]! == 1 ? t.name : "\(t.name) #\(names[t.name]!)"
            return Courier(target: t, key: key, sent: before.filter { $0.target == key }, ledger: ledger, giveUp: giveUp)
        }
        for c in couriers { c.start() }
    }

    /// Stops the couriers; a delivery under way is given a moment to finish and be recorded
    /// (else a restart would send it again).
    public func stop() {
        for c in couriers { c.stop() }
        let deadline = Date().addingTimeInterval(3)
        for c in couriers { c.waitIdle(until: deadline) }
    }

    /// A job ended long before the engine (re)started watching is old news, not sent.
    public static let endingsFreshFor = 600.0
    private let startedWatching = Mutex<Double?>(nil)

    /// Queues each finished job's ending to the targets that asked for it, once per run (the
    /// ledger remembers across restarts).
    private func observeEndings(_ state: PipelineState, now: Double, live: inout Set<String>) {
        let since = startedWatching.withLock { first in
            if first == nil { first = now }
            return first!
        }
        for job in state.jobs.values where job.state.isTerminal {
            let key = JobEndingPayload.key(job)
            live.insert(key)
            let pipeline = RunSummary.pipeline(of: job)
            let ended = (job.endedAt ?? job.updatedAt) + (job.clockSkew ?? 0)
            for c in couriers where c.target.on.contains(job.state) && c.target.wants(pipeline: pipeline) {
                guard !c.hasSent(key) else { continue }
                if ended < since - Self.endingsFreshFor { c.markSent(key, at: now); continue }
                c.enqueue(.ending(job, in: state, host: host, at: now))
            }
        }
    }

    /// Counters per target, for `pipetop alerts` and tests.
    public var stats: [Courier.Stats] { couriers.map(\.stats) }

    /// Compares the alerts with what each target was sent and queues what is due.
    public func observe(_ state: PipelineState, now: Double) {
        var live = Set<String>()
        live.reserveCapacity(state.alerts.all.count)
        for alert in state.alerts.all {
            live.insert(alert.id)
            let job = state.jobs[alert.job]
            // An alert without a job (a pipeline that did not start) belongs to its pipeline.
            let pipeline = job.map(RunSummary.pipeline(of:)) ?? (alert.job == PipelineState.ownJob ? nil : alert.job)
            for c in couriers where alert.severity >= c.target.minSeverity && c.target.wants(pipeline: pipeline) {
                guard let status = c.due(alert, now: now) else { continue }
                c.enqueue(.alert(alert, status: status, job: job, host: host, at: now))
            }
        }
        if couriers.contains(where: { !$0.target.on.isEmpty }) { observeEndings(state, now: now, live: &live) }
        let gone = known.withLock { known in
            defer { known = live }
            return known.subtracting(live)
        }
        guard !gone.isEmpty else { return }
        for c in couriers { c.forget(gone) }
        ledger?.forget(Array(gone))
    }
}

/// One notification to deliver: an alert's news or a job's ending, as each kind of target
/// takes it.
public struct Delivery: Sendable {
    /// What the ledger keeps it under: the alert's id, or `job:ID#RUN` for a job's ending.
    public var key: String
    /// firing or resolved (alerts); completed, failed or canceled (job endings).
    public var status: String
    /// What a webhook or command receives (docs/ALERTS.md).
    public var json: JSONValue
    /// What Alertmanager receives; nil for job endings (Alertmanager takes alerts only).
    public var alertmanagerJSON: JSONValue?
    public var at: Double

    static func alert(_ a: Alert, status: String, job: Job?, host: String, at: Double) -> Delivery {
        Delivery(key: a.id, status: status, json: AlertPayload.webhook(a, status: status, job: job, host: host),
                 alertmanagerJSON: AlertPayload.alertmanager(a, job: job, host: host, at: at), at: at)
    }

    static func ending(_ job: Job, in state: PipelineState, host: String, at: Double) -> Delivery {
        Delivery(key: JobEndingPayload.key(job), status: job.state.rawValue, json: JobEndingPayload.webhook(job, in: state, host: host),
                 alertmanagerJSON: nil, at: at)
    }
}

/// Delivers to one target on its own thread.
public final class Courier: @unchecked Sendable {
    public let target: NotifyTarget
    public static let queueLimit = 1_000
    /// The target's key in the ledger.
    let key: String
    private let ledger: NotifyLedger?
    private let giveUp: @Sendable (NotifyTarget, String) -> Void
    private let lock = NSCondition()
    private var queue: [Delivery] = []
    private var stopped = false
    /// A delivery is under way (stop waits for it to be recorded).
    private var busy = false
    /// What was last queued for each alert: status and when.
    private var sent: [String: (status: String, at: Double)] = [:]
    private var counters = Stats(target: "")

    public struct Stats: Sendable, Equatable {
        public var target: String
        public var sent = 0
        public var failedAttempts = 0
        public var givenUp = 0
        public var dropped = 0
        public var lastError: String?
        /// Deliveries waiting (`pipetop status`).
        public var queued = 0
        /// Attempts failed since the last delivery that went through.
        public var failingInARow = 0
    }

    init(target: NotifyTarget, key: String, sent before: [NotificationSent] = [], ledger: NotifyLedger? = nil,
         giveUp: @escaping @Sendable (NotifyTarget, String) -> Void) {
        self.target = target
        self.key = key
        self.ledger = ledger
        self.giveUp = giveUp
        counters.target = target.name
        for n in before { sent[n.alert] = (n.status, n.at) }
    }

    var stats: Stats { lock.withLock { var s = counters; s.queued = queue.count; return s } }

    func start() {
        let t = Thread { [self] in run() }
        t.name = "pipetop-notify"
        t.start()
    }

    func stop() {
        lock.withLock { stopped = true; lock.broadcast() }
    }

    /// Waits (at most until `deadline`) for a delivery under way to end.
    func waitIdle(until deadline: Date) {
        lock.withLock { while busy && lock.wait(until: deadline) {} }
    }

    /// What is due for `a` to this target now: `firing` (first, again after it resolved, or a
    /// repeat of an unacknowledged one every `repeat`), `resolved` (it fired here), or nil.
    func due(_ a: Alert, now: Double) -> String? {
        lock.withLock {
            let last = sent[a.id]
            guard a.isOpen else { return last?.status == "firing" ? "resolved" : nil }
            // Silenced: nothing goes out (it will when the silence ends, if still open).
            if a.isSilenced { return nil }
            // Acknowledged before it was raised (a lost job's death, now a failure): the
            // death was sent as `lost`; its failure is not sent as a new one.
            if last == nil && a.seenBeforeRaised { return nil }
            guard let last, last.status == "firing" else { return "firing" }
            guard target.kind == .alertmanager || a.ack == nil else { return nil }
            return now - last.at >= target.repeatEvery ? "firing" : nil
        }
    }

    func hasSent(_ key: String) -> Bool { lock.withLock { sent[key] != nil } }

    /// Notes `key` as dealt with without sending it (old news).
    func markSent(_ key: String, at t: Double) { lock.withLock { sent[key] = ("old", t) } }

    func enqueue(_ d: Delivery) {
        lock.withLock {
            sent[d.key] = (d.status, d.at)
            // A full queue drops the oldest: a receiver that is down must not hold memory.
            if queue.count >= Self.queueLimit { queue.removeFirst(); counters.dropped += 1 }
            queue.append(d)
            lock.signal()
        }
    }

    /// Alerts the engine no longer holds.
    func forget(_ ids: Set<String>) {
        lock.withLock { for id in ids { sent[id] = nil } }
    }

    private func run() {
        while true {
            var next: Delivery?
            lock.withLock {
                busy = false
                lock.broadcast()
                while queue.isEmpty && !stopped { lock.wait() }
                if !queue.isEmpty && !stopped { next = queue.removeFirst(); busy = true }
            }
            guard let d = next else { return }
            var backoff = 1.0
            for attempt in 1...max(1, target.attempts) {
                if lock.withLock({ stopped }) { break }
                do {
                    try deliver(d)
                    lock.withLock { counters.sent += 1; counters.failingInARow = 0 }
                    // Recorded once delivered: a kill -9 between the two sends it once more.
                    ledger?.record(NotificationSent(alert: d.key, target: key, status: d.status, at: d.at))
                    break
                } catch {
                    lock.withLock { counters.failedAttempts += 1; counters.failingInARow += 1; counters.lastError = ErrorText.sentence(error) }
                    if attempt == target.attempts {
                        lock.withLock { counters.givenUp += 1 }
                        giveUp(target, "\(d.status) \(d.key) not delivered after \(attempt) attempts: \(ErrorText.sentence(error))")
                        break
                    }
                    // Sleep, but wake at once on stop.
                    lock.withLock { _ = lock.wait(until: Date(timeIntervalSinceNow: backoff)) }
                    backoff = min(60, backoff * 2)
                }
            }
        }
    }

    struct DeliveryError: Error, CustomStringConvertible { var description: String }

    private func deliver(_ d: Delivery) throws {
        switch target.kind {
        case .webhook:
            try post(target.url!, body: JSONWriter.string(d.json))
        case .alertmanager:
            guard let body = d.alertmanagerJSON else { return }
            let base = target.url!.hasSuffix("/") ? String(target.url!.dropLast()) : target.url!
            try post(base + "/api/v2/alerts", body: JSONWriter.string(body))
        case .command:
            try run(target.command!, input: JSONWriter.string(d.json) + "\n", status: d.status, ending: d.alertmanagerJSON == nil)
        }
    }

    private func post(_ url: String, body: String) throws {
        try HTTPPost.post(url, body: body, headers: target.headers, timeout: target.timeout)
    }

    private func run(_ command: String, input: String, status: String, ending: Bool) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        var env = ProcessInfo.processInfo.environment
        // What arrives on stdin: an alert (PIPETOP_ALERT_STATUS firing/resolved) or a job's
        // ending (PIPETOP_JOB_STATE completed/failed/canceled).
        env["PIPETOP_NOTICE"] = ending ? "job" : "alert"
        env[ending ? "PIPETOP_JOB_STATE" : "PIPETOP_ALERT_STATUS"] = status
        p.environment = env
        let stdin = Pipe()
        p.standardInput = stdin
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date(timeIntervalSinceNow: target.timeout)
        // A command may ignore its input (`true`, `logger -t pipetop ...`): its pipe then closes
        // unread (EPIPE), which is its right, not a failure; only its exit status says that.
        let written = stdin.fileHandleForWriting
        do {
            try SafeWrite.giveInput(input, to: written, timeout: target.timeout)
        } catch {
            try? written.close()
            if error.code != EPIPE {
                p.terminate()
                throw DeliveryError(description: "command did not take its input: \(error)")
            }
        }
        try? written.close()
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if p.isRunning {
            p.terminate()
            throw DeliveryError(description: "command did not finish in \(target.timeout) s")
        }
        guard p.terminationStatus == 0 else { throw DeliveryError(description: "command exited with status \(p.terminationStatus)") }
    }
}
