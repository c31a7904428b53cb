/// The estimator's memory of one job: the estimate as shown (with what calibrates later runs)
/// and, per phase id, its rate window and progress curve.
public struct JobEstimates: Sendable, Codable, Equatable {
    public var eta: ETATrack?
    public var phases: [String: PhaseEstimates] = [:]

    public init() {}

    /// A phase's rate window (an empty one for a phase that never counted).
    public func rate(_ phase: String) -> RateWindow { phases[phase]?.rate ?? RateWindow() }

    /// A running phase's current rate (items per second), on the job's active clock.
    public func rate(of p: Phase, in job: Job, now: Double) -> Double? {
        p.state == .running ? rate(p.id).rate(now: job.activeTime(now)) : nil
    }

    /// A phase's throughput over its run so far (or its whole run, once ended) in `buckets`
    /// equal slices, items per second each: what its sparkline shows.
    public func throughput(of p: Phase, in job: Job, buckets: Int, now: Double) -> [Double] {
        let w = rate(p.id)
        guard p.state != .pending, let first = w.first, let last = w.last else { return [] }
        let end = p.state == .running ? job.activeTime(now) : last.t + w.offset
        return w.history(now: end, span: max(1, end - w.offset - first.t), buckets: buckets)
    }
}
