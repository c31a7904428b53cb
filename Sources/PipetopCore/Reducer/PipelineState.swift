/// Everything the engine knows: every job with its phases, steps, logs and checkpoints, and
/// beside them the engine's own tables (the estimator's memory, the rules' states).
/// A value: copies are snapshots; only `apply` changes it.
public struct PipelineState: Sendable, Codable, Equatable {
    public internal(set) var jobs: [String: Job] = [:]
    /// Job ids in the order they first started (re-runs keep their place).
    public internal(set) var order: [String] = []
    public internal(set) var alerts = AlertBook()
    /// Finished runs per pipeline (see `RunSummary`).
    public internal(set) var history: [String: [RunSummary]] = [:]
    /// The machine the engine runs on, as the sampler sees it.
    public internal(set) var host = HostResources()
    /// Alert rules, where each stands, and silences.
    public internal(set) var alertRules = AlertRules()
    /// The engine's memory of each job and phase (estimates shown, rate windows, progress
    /// curves, error trails), beside the jobs rather than in them: the engine's machinery,
    /// not what the jobs reported. Stored in snapshots.
    public internal(set) var estimates = Estimates()
    /// `history` indexed for the estimator (derived; not stored).
    var pastIndex: [String: PastRuns] = [:]
    /// How many jobs are unfinished (derived from `jobs`; not stored): the live-job limit is
    /// checked without a scan.
    public internal(set) var liveJobs = 0

    public init() {}

    enum CodingKeys: String, CodingKey { case jobs, order, alerts, history, host, alertRules, estimates }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jobs = try c.decode([String: Job].self, forKey: .jobs)
        order = try c.decode([String].self, forKey: .order)
        alerts = try c.decodeIfPresent(AlertBook.self, forKey: .alerts) ?? AlertBook()
        history = try c.decodeIfPresent([String: [RunSummary]].self, forKey: .history) ?? [:]
        host = try c.decodeIfPresent(HostResources.self, forKey: .host) ?? HostResources()
        alertRules = try c.decodeIfPresent(AlertRules.self, forKey: .alertRules) ?? AlertRules()
        if c.contains(.estimates) {
            estimates = try c.decode(Estimates.self, forKey: .estimates)
        } else {
            // A snapshot from before the table: the engine's memory sits inside each job.
            estimates = try Self.tablesFromJobs(c.decode([String: OldJobInternals].self, forKey: .jobs))
        }
        reindexHistory()
        recountLiveJobs()
    }

    mutating func recountLiveJobs() { liveJobs = jobs.values.reduce(0) { $0 + ($1.state.isTerminal ? 0 : 1) } }

    public subscript(job id: String) -> Job? { jobs[id] }

    /// Jobs in arrival order.
    public var orderedJobs: [Job] { order.compactMap { jobs[$0] } }

    public func count(_ state: JobState) -> Int { jobs.values.reduce(0) { $0 + ($1.state == state ? 1 : 0) } }
}
