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

    /// Counters per target, for `pipetop alerts` and tests.
    public var stats: [Courier.Stats] { couriers.map(\.stats) }

    /// Compares the alerts with what each target was sent and queues what is due.
    public func observe(_ state: PipelineState, now: Double) {
        var live = Set<String>()
        live.reserveCapacity(state.alerts.all.count)
        for alert in state.alerts.all {
            live.insert(alert.id)
            for c in couriers where alert.severity >= c.target.minSeverity {
                guard let status = c.due(alert, now: now) else { continue }
                let job = state.jobs[alert.job]
                c.enqueue(Delivery(alert: alert, status: status, jobName: job?.name,
                                   pipeline: job.map(RunSummary.pipeline(of:)), host: host, at: now))
            }
        }
        let gone = known.withLock { known in
            defer { known = live }
            return known.subtracting(live)
        }
        guard !gone.isEmpty else { return }
        for c in couriers { c.forget(gone) }
        ledger?.forget(Array(gone))
    }
}

/// One notification to deliver.
public struct Delivery: Sendable {
    public var alert: Alert
    /// firing or resolved.
    public var status: String
    public var jobName: String?
    public var pipeline: String?
    public var host: String
    public var at: Double

    /// The JSON a webhook or command receives (docs/ALERTS.md).
    public var json: JSONValue {
        let a = alert
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            ("source", .string("pipetop")), ("status", .string(status)), ("host", .string(host)),
            ("alert", .object([
                ("id", .string(a.id)), ("job", .string(a.job)), ("job_name", opt(jobName)), ("pipeline", opt(pipeline)),
                ("phase", opt(a.phase)), ("kind", .string(a.kind)), ("rule", .string(a.ruleName)),
                ("severity", .string(a.severity.rawValue)), ("message", .string(a.message)), ("count", .int(a.count)),
                ("first_at", .string(Format.iso8601(a.firstAt))), ("last_at", .string(Format.iso8601(a.lastAt))), ("resolved_at", a.resolvedAt.map { .string(Format.iso8601($0)) } ?? .null),
                ("acknowledged_by", opt(a.ack?.by)),
                ("details", .array((a.details ?? []).map(JSONValue.string))),
                ("labels", .object((a.labels ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ])),
        ])
    }

    /// What Alertmanager's POST /api/v2/alerts takes: one alert with labels, annotations,
    /// startsAt and endsAt (in the past once resolved; a few minutes ahead while firing, so an
    /// alert pipetop stops re-sending expires).
    public var alertmanagerJSON: JSONValue {
        let a = alert
        var labels: [(String, JSONValue)] = [("alertname", .string(a.ruleName)), ("job", .string(a.job)),
                                             ("severity", .string(a.severity.rawValue)), ("instance", .string(host))]
        if let p = a.phase { labels.append(("phase", .string(p))) }
        if let p = pipeline { labels.append(("pipeline", .string(p))) }
        for (k, v) in (a.labels ?? [:]).sorted(by: { $0.key < $1.key }) where !labels.contains(where: { $0.0 == k }) {
            labels.append((k, .string(v)))
        }
        let ends = a.resolvedAt ?? (at + 300)
        return .array([.object([
            ("labels", .object(labels)),
            ("annotations", .object([("summary", .string(a.message)), ("pipetop_id", .string(a.id))]
                                    + (a.details.map { [("description", .string($0.joined(separator: "\n")))] } ?? []))),
            ("startsAt", .string(Format.iso8601(a.firstAt))), ("endsAt", .string(Format.iso8601(ends))),
        ])])
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
            guard let last, last.status == "firing" else { return "firing" }
            guard target.kind == .alertmanager || a.ack == nil else { return nil }
            return now - last.at >= target.repeatEvery ? "firing" : nil
        }
    }

    func enqueue(_ d: Delivery) {
        lock.withLock {
            sent[d.alert.id] = (d.status, d.at)
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
                    ledger?.record(NotificationSent(alert: d.alert.id, target: key, status: d.status, at: d.at))
                    break
                } catch {
                    lock.withLock { counters.failedAttempts += 1; counters.failingInARow += 1; counters.lastError = ErrorText.sentence(error) }
                    if attempt == target.attempts {
                        lock.withLock { counters.givenUp += 1 }
                        giveUp(target, "\(d.status) \(d.alert.id) not delivered after \(attempt) attempts: \(ErrorText.sentence(error))")
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
            let base = target.url!.hasSuffix("/") ? String(target.url!.dropLast()) : target.url!
            try post(base + "/api/v2/alerts", body: JSONWriter.string(d.alertmanagerJSON))
        case .command:
            try run(target.command!, input: JSONWriter.string(d.json) + "\n", status: d.status)
        }
    }

    private func post(_ url: String, body: String) throws {
        try HTTPPost.post(url, body: body, timeout: target.timeout)
    }

    private func run(_ command: String, input: String, status: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        var env = ProcessInfo.processInfo.environment
        env["PIPETOP_ALERT_STATUS"] = status
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
