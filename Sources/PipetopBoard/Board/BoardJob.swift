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
    public var endedAt: Double?
    /// When the job last reported (its own clock).
    public var updatedAt: Double
    /// Seconds since it started (to its end once ended), at the board's time.
    public var elapsed: Double
    /// 0...1: each phase weighs the same, a running one by its own fraction.
    public var fraction: Double
    /// Items over all phases.
    public var done: Int
    public var failed: Int
    public var skipped: Int
    /// nil while some phase has no total.
    public var total: Int?
    /// nil when nothing can be said yet, and for ended jobs.
    public var eta: BoardETA?
    /// Seconds without progress in every running phase that reports it (a stall).
    public var stalledFor: Double?
    /// Why it failed (the reason it gave, or what the engine saw).
    public var error: String?
    /// The verdict is the engine's own (lost, ended while no engine ran; `error` says what was
    /// seen), and is undone if the job reports again.
    public var byEngine: Bool
    public var errorCount: Int
    /// The phase a person wants to see first: the running one, else the last that ended.
    public var currentPhase: String?
    public var phases: [BoardPhase]
    /// Checkpoints, oldest first; their data only for a viewer that asked for it.
    public var checkpoints: [CheckpointRecord]
    /// The newest log lines, oldest first.
    public var logs: [LogLine]
    public var resources: BoardResources?
    /// How long its earlier completed runs took.
    public var past: PastDurations?

    public init(id: String, name: String, pipeline: String? = nil, run: Int = 1, state: JobState, labels: [String: String] = [:],
                pid: Int32? = nil, startedAt: Double, endedAt: Double? = nil, updatedAt: Double? = nil, elapsed: Double = 0,
                fraction: Double = 0, done: Int = 0, failed: Int = 0, skipped: Int = 0, total: Int? = nil, eta: BoardETA? = nil,
                stalledFor: Double? = nil, error: String? = nil, byEngine: Bool = false, errorCount: Int = 0,
                currentPhase: String? = nil, phases: [BoardPhase] = [], checkpoints: [CheckpointRecord] = [], logs: [LogLine] = [],
                resources: BoardResources? = nil, past: PastDurations? = nil) {
        self.id = id; self.name = name; self.pipeline = pipeline ?? labels["pipeline"] ?? name; self.run = run; self.state = state
        self.labels = labels; self.pid = pid; self.startedAt = startedAt; self.endedAt = endedAt; self.updatedAt = updatedAt ?? startedAt
        self.elapsed = elapsed; self.fraction = fraction; self.done = done; self.failed = failed; self.skipped = skipped
        self.total = total; self.eta = eta; self.stalledFor = stalledFor; self.error = error; self.byEngine = byEngine
        self.errorCount = errorCount; self.currentPhase = currentPhase; self.phases = phases; self.checkpoints = checkpoints
        self.logs = logs; self.resources = resources; self.past = past
    }

    public func phase(_ id: String) -> BoardPhase? { phases.first { $0.id == id } }

    /// Elapsed time `seconds` after the board was made (it counts until the job ends).
    public func elapsed(after seconds: Double) -> Double { state.isTerminal ? elapsed : elapsed + max(0, seconds) }

    /// How long a stall has lasted `seconds` after the board was made.
    public func stalled(after seconds: Double) -> Double? { stalledFor.map { $0 + max(0, seconds) } }
}
