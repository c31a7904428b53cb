/// One job (a run of a pipeline) as people see it, as of the board's time, on its own clock.
public struct BoardJob: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// The pipeline it is a run of: its `pipeline` label, else its name.
    public var pipeline: String
    public var run: Int
    public var state: JobState
    public var labels: [String: String]
    /// The process it named (watched for `lost`).
    public var pid: Int32?
    /// Times as the job reported them (its own clock).
    public var startedAt: Double
    /// When it was queued (`job.start` with `state: pending`; nil: it ran at once). While it
    /// waits, `startedAt` is this too.
    public var queuedAt: Double?
    public var endedAt: Double?
    /// How far the job's clock is behind the engine's (seconds, a tenth at most off): the
    /// job's times are on its clock, the board's on the engine's.
    public var skew: Double
    /// Items over all phases.
    public var done: Int
    public var failed: Int
    public var skipped: Int
    /// nil while some phase has no total.
    public var total: Int?
    /// nil when nothing can be said yet, and for ended jobs.
    public var eta: BoardETA?
    /// Since when every running phase that reports progress has made none, when that is
    /// longer than their gaps warrant: a stall (engine's clock).
    public var stalledSince: Double?
    /// Why it failed (the reason it gave, or what the engine saw).
    public var error: String?
    /// The verdict is the engine's own (lost, ended while no engine ran; `error` says what was
    /// seen), and is undone if the job reports again.
    public var byEngine: Bool
    /// Lost: unfinished, its process gone with no job.end (`error` says what was seen). It has
    /// no ETA and no stall; every viewer says "lost" instead.
    public var isLost: Bool { byEngine && !state.isTerminal }
    /// A phase of a lost job that was running when its process went: nobody knows whether it
    /// still runs, so it reads lost, not running (no running symbol, no ETA).
    public func isLost(_ p: BoardPhase) -> Bool { isLost && p.state == .running }
    /// A step of a lost job that was running: the same, for its step.
    public func isLost(_ s: Step) -> Bool { isLost && s.state == .running }
    public var errorCount: Int
    /// The phase a person wants to see first: the running one, else the last that ended.
    public var currentPhaseID: String?
    public var phases: [BoardPhase]
    /// Checkpoints, oldest first; their data only for a viewer that asked for it.
    public var checkpoints: [CheckpointRecord]
    /// The newest log lines, oldest first.
    public var logs: [LogLine]
    public var resources: BoardResources?
    /// Its own figures (`metric` events), newest value each; nil when it sends none.
    public var metrics: [BoardMetric]?
    /// How long its earlier completed runs took.
    public var past: PastDurations?
    /// What it promised (a deadline, a maximum duration); nil when nothing.
    public var deadline: BoardDeadline?
    /// Warnings and the error and warning lines by category; nil before the first.
    public var tally: LogTally?
    /// What it made (`artifact` events); nil before the first.
    public var artifacts: [ArtifactRecord]?

    public init(id: String, name: String, pipeline: String? = nil, run: Int = 1, state: JobState, labels: [String: String] = [:],
                pid: Int32? = nil, startedAt: Double, endedAt: Double? = nil, skew: Double = 0, done: Int = 0, failed: Int = 0,
                skipped: Int = 0, total: Int? = nil, eta: BoardETA? = nil, stalledSince: Double? = nil, error: String? = nil,
                byEngine: Bool = false, errorCount: Int = 0, currentPhaseID: String? = nil, phases: [BoardPhase] = [],
                checkpoints: [CheckpointRecord] = [], logs: [LogLine] = [], resources: BoardResources? = nil, metrics: [BoardMetric]? = nil,
                past: PastDurations? = nil, deadline: BoardDeadline? = nil, queuedAt: Double? = nil) {
        self.id = id; self.name = name; self.pipeline = pipeline ?? labels["pipeline"] ?? name; self.run = run; self.state = state
        self.labels = labels; self.pid = pid; self.startedAt = startedAt; self.endedAt = endedAt; self.skew = skew
        self.done = done; self.failed = failed; self.skipped = skipped; self.total = total; self.eta = eta
        self.stalledSince = stalledSince; self.error = error; self.byEngine = byEngine; self.errorCount = errorCount
        self.currentPhaseID = currentPhaseID; self.phases = phases; self.checkpoints = checkpoints; self.logs = logs
        self.resources = resources; self.metrics = metrics; self.past = past; self.deadline = deadline; self.queuedAt = queuedAt
    }

    public func phase(_ id: String) -> BoardPhase? { phases.first { $0.id == id } }

    /// The phase a person wants to see first.
    public var currentPhase: BoardPhase? { currentPhaseID.flatMap(phase) }

    /// The phase the job is at, while it is (running, paused, lost) or where it failed: what
    /// the overview's NOW column and the page's job card name; nil once it completed or
    /// was canceled.
    public var nowPhase: BoardPhase? {
        state.isActive || state == .failed || state == .paused ? currentPhase : nil
    }

    /// The job's own clock at `now` (engine's clock): what its steps' and phases' times are on.
    public func ownTime(_ now: Double) -> Double { now - skew }

    /// 0...1 at `now` (engine's clock), weighted by work (`JobFraction.weighted`): phases by
    /// their past time, else their totals; by time against past runs where there are no counts.
    public func fraction(at now: Double) -> Double {
        let own = now - skew
        return JobFraction.weighted(phases.map { p in
            JobFraction.Part(state: p.state, fraction: p.fraction, expected: p.past?.p50, total: p.total,
                             elapsed: p.startedAt.map { max(0, (p.endedAt ?? own) - $0) })
        }, completed: state == .completed, jobElapsed: max(0, (endedAt ?? own) - startedAt), jobExpected: past?.p50)
    }

    /// Seconds since it started (to its end once ended) at `now` (engine's clock).
    public func elapsed(at now: Double) -> Double { max(0, (endedAt ?? (now - skew)) - startedAt) }

    /// A phase's elapsed time at `now` (engine's clock).
    public func elapsed(of p: BoardPhase, at now: Double) -> Double? { p.elapsed(at: now, skew: skew) }

    /// How long it waited in its queue: so far while pending, else until it started running
    /// (nil: it was never queued). `now`: the engine's clock.
    public func waited(at now: Double) -> Double? {
        guard let q = queuedAt else { return nil }
        if state == .pending { return max(0, now - skew - q) }
        // Ended while it still waited (canceled in the queue): it waited until its end.
        if let e = endedAt, startedAt == q, phases.allSatisfy({ $0.state == .pending }) { return max(0, e - q) }
        return max(0, startedAt - q)
    }

    /// How long a stall has lasted at `now`.
    public func stalled(at now: Double) -> Double? { stalledSince.map { max(0, now - $0) } }
}
