/// One job (a run of a pipeline) as the engine knows it: what it reported and the engine's
/// verdicts on it. The estimator's and the rules' memory of it live beside it, in
/// `PipelineState.estimates`.
public struct Job: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var state: JobState
    public var labels: [String: String]
    /// The process the job named (`job.start`'s `pid`, `pipetop run`'s child): sampled, and
    /// watched: once it is gone without a `job.end`, the job is lost.
    public var pid: Int32?
    /// A process sampled for resources but never watched (the sender of a `job.start` that
    /// named no pid, the script that ran `pipetop emit`): a short-lived reporter is no job.
    public var samplePid: Int32?
    /// 1 for the first run under this id; a `job.start` after the job finished starts run 2.
    public var run: Int
    /// When it started running (while it waits: when it was queued).
    public var startedAt: Double
    /// When it was queued (`job.start` with `state: pending`); nil for a job that ran at once.
    /// The wait is `startedAt - queuedAt` once it runs.
    public var queuedAt: Double?
    public var endedAt: Double?
    /// Time of the last event applied to this job.
    public var updatedAt: Double
    public var error: String?
    public var phases: [Phase]
    public var checkpoints: [CheckpointRecord]
    public var logs: [LogLine]
    public var metrics: [MetricRecord]
    /// Log lines at level error, across phases.
    public var errorCount: Int
    /// CPU and memory of the job's process tree, once the sampler has seen it.
    public var resources: JobResources?
    /// When the sampler first found the watched process (`pid`) gone while the job had not
    /// ended. The job is lost only once `lostGrace` has passed without a `job.end`.
    public var pidGoneAt: Double?
    /// When the job was declared lost (its watched process gone for `lostGrace`, no `job.end`).
    public var lostAt: Double?
    /// A verdict the engine made itself (failed: its process was gone while no engine ran).
    /// Provisional: when the job reports again, the verdict is undone (see `Reducer`).
    public var verdict: EngineVerdict?
    /// Engine time minus the producer's clock (nil: it sends no `ts`), as `clockOffsets`
    /// estimates it: the engine's timed refreshes look at the job on its own clock.
    public var clockSkew: Double?
    /// What `clockSkew` is learned from (see `ClockOffsets`).
    public var clockOffsets: ClockOffsets?
    /// The job's clock at engine time `now`.
    public func ownTime(_ now: Double) -> Double { now - (clockSkew ?? 0) }
    /// Time spent paused (nil: never paused); see `activeTime`.
    public var pause: PauseRecord?
    /// What the run promised (a deadline, a maximum duration), from `job.start` or `[[sla]]`.
    public var deadline: Deadline?
    /// Warnings and error categories of its log lines (nil until the first).
    public var tally: LogTally?
    /// What it made (`artifact` events), oldest first (nil until the first).
    public var artifacts: [ArtifactRecord]?
    public static let maxArtifacts = 200

    /// How long a watched process may be gone before the job is lost: `pipetop run` (or any
    /// parent) sends job.end just after its child exits, and the sampler may look in between.
    public static let lostGrace = 5.0
    /// When the job was last known alive, for an end the engine judges: when its watched
    /// process was first found gone, else its last report or reading; never after `t`.
    public func lastSeen(before t: Double) -> Double {
        min(t, pidGoneAt ?? max(updatedAt, resources?.cpu.lastAt ?? updatedAt))
    }
    /// The process the sampler reads: the watched one while it lives, else the sampling hint.
    public var sampledPid: Int32? { pidGoneAt == nil && lostAt == nil ? (pid ?? samplePid) : samplePid }

    public static let maxLogLines = 200
    public static let maxCheckpoints = 1_000
    public static let maxMetrics = 256

    public init(id: String, name: String, state: JobState = .running, labels: [String: String] = [:],
                pid: Int32? = nil, run: Int = 1, at time: Double) {
        self.id = id
        self.name = name
        self.state = state
        self.labels = labels
        self.pid = pid
        self.run = run
        self.startedAt = time
        self.updatedAt = time
        self.phases = []
        self.checkpoints = []
        self.logs = []
        self.metrics = []
        self.errorCount = 0
    }

    public func phaseIndex(_ id: String) -> Int? { phases.firstIndex { $0.id == id } }
    public func phase(_ id: String) -> Phase? { phaseIndex(id).map { phases[$0] } }

    /// The phase a person wants to see first: the running one, else the last that ended.
    public var currentPhase: Phase? {
        phases.first { $0.state == .running }
            ?? phases.last { $0.state.isFinished && $0.state != .skipped }
            ?? phases.first
    }

    /// Overall work done in 0...1: each phase weighs the same (a skipped one nothing); a running,
    /// failed or canceled phase counts by its own work done (`JobFraction.phase`: 0 without a total).
    public var fraction: Double {
        JobFraction.of(phases.lazy.map { ($0.state, JobFraction.phase(state: $0.state, done: $0.done, skipped: $0.skipped, total: $0.effectiveTotal)) },
                       completed: state == .completed)
    }

    public func elapsed(now: Double) -> Double { max(0, (endedAt ?? now) - startedAt) }

    /// Moves a queued job to running: its run (elapsed, rates, estimates) starts now.
    mutating func startRunning(at t: Double) {
        guard state == .pending else { return }
        state = .running
        if queuedAt != nil { startedAt = max(startedAt, t) }
    }

    /// The job's clock with the time spent paused taken out: rates, stalls and estimates run
    /// on it, so a pause never reads as slowness. Stands still while the job is paused.
    /// (Valid for times since the last pause began; earlier moments are kept as active times.)
    public func activeTime(_ t: Double) -> Double { t - (pause?.paused(through: t) ?? 0) }

    /// Time worked so far (or in all, once ended), pauses excluded.
    public func activeElapsed(now: Double) -> Double {
        max(0, activeTime(endedAt ?? now) - startedAt)
    }
}
