/// One phase of a job: a stage of the pipeline with its own counts and sub-steps. Its rate
/// window and progress curve are the estimator's (`PhaseEstimates`).
public struct Phase: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var state: PhaseState {
        // An ended phase keeps fewer done steps in detail (StepList's rules); a retried one, more again.
        didSet { if state.isFinished { steps.settle() } else if oldValue.isFinished { steps.unsettle() } }
    }
    public var total: Int?
    public var unit: String?
    public var done: Int
    public var failed: Int
    public var skipped: Int
    public var startedAt: Double?
    public var endedAt: Double?
    public var error: String?
    /// Times this phase was started again after it failed.
    public var retries: Int
    /// Log lines at level error in this phase.
    public var errorCount: Int
    public var steps: StepList
    /// What the phase used while it ran (CPU time, peaks, I/O), from the sampler.
    public var usage: PhaseUsage?
    /// The job's active time (`Job.activeTime`) when the phase started, and when it ended
    /// (kept, as pauses after the end must not shorten it).
    public var activeStart: Double?
    public var activeEnd: Double?
    /// A phase that stands for the whole command (`pipetop run`'s `run`): it gives way to the
    /// job's own phases (see `Job.dropImplicitPhase`). nil: an ordinary phase.
    public var implicit: Bool?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name ?? id
        self.state = .pending
        self.done = 0
        self.failed = 0
        self.skipped = 0
        self.retries = 0
        self.errorCount = 0
        self.steps = StepList()
    }

    /// Items accounted for: processed, failed or skipped.
    public var accounted: Int { done &+ failed &+ skipped }

    /// The total to show: the declared one, or the count so far when items outran it.
    public var effectiveTotal: Int? { total.map { max($0, accounted) } }

    public var fraction: Double? {
        guard let t = effectiveTotal else { return state == .done ? 1 : nil }
        if t == 0 { return state.isFinished ? 1 : 0 }
        return min(1, Double(accounted) / Double(t))
    }

    public var remaining: Int? { effectiveTotal.map { max(0, $0 - accounted) } }

    public func elapsed(now: Double) -> Double? {
        guard let s = startedAt else { return nil }
        return max(0, (endedAt ?? now) - s)
    }

    /// Seconds worked in this phase (pauses excluded), given the job it belongs to.
    public func activeElapsed(in job: Job, now: Double) -> Double? {
        guard let a = activeStart ?? startedAt.map(job.activeTime) else { return nil }
        if endedAt != nil, let e = activeEnd { return max(0, e - a) }
        return max(0, job.activeTime(endedAt ?? now) - a)
    }

    /// New counts from a progress event. Returns what the estimator notes of them (see
    /// `PhaseEstimates.counted`), read here where the phase is changed in place: read from
    /// outside, each figure copied the whole phase.
    @discardableResult
    mutating func count(done: Int, failed: Int?, skipped: Int?, total: Int?) -> (worked: Int, total: Int?, fraction: Double?, start: Double?) {
        self.done = done
        if let failed { self.failed = failed }
        if let skipped { self.skipped = skipped }
        if let total { self.total = total }
        return (done &+ self.failed, effectiveTotal, fraction, activeStart)
    }
}
