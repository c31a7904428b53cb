/// Where a running job stands against its deadline, on the engine's clock: when it is due
/// and when its estimate says it will finish (the 80% range). What the deadline checks,
/// the rule metrics and `/metrics` all read, so that they agree.
public struct DeadlineOutlook: Sendable, Equatable {
    /// When the run must be over (the earlier of its finish-by time and its maximum duration).
    public var due: Double
    /// The expected finish, and its 80% range; nil when there is no estimate. For an estimate
    /// that is only a lower bound (a phase ahead cannot be estimated), only `earliest` is set.
    public var finish: Double?
    public var earliest: Double?
    public var latest: Double?
    /// The range is not calibrated on past runs yet.
    public var rough: Bool

    /// Seconds between the deadline and the late end of the range (negative: likely late).
    public var margin: Double? { latest.map { due - $0 } }

    /// `job`'s outlook at engine time `now`, or nil for a job without a deadline.
    public init?(_ job: Job, _ est: JobEstimates, now: Double) {
        let skew = job.clockSkew ?? 0
        guard let d = job.deadline, let due = d.due(startedAt: job.startedAt + skew) else { return nil }
        self.due = due
        (finish, earliest, latest, rough) = Self.expected(job, est, now: now)
    }

    /// When `job` is expected to finish at engine time `now` (its estimate's 80% range; only
    /// the early end for an estimate that is a lower bound), deadline or not.
    public static func expected(_ job: Job, _ est: JobEstimates, now: Double)
        -> (finish: Double?, earliest: Double?, latest: Double?, rough: Bool) {
        guard !job.state.isTerminal, let e = est.eta?.shown else { return (nil, nil, nil, true) }
        let left = e.left(now: job.ownTime(now))
        if e.complete { return (now + left.eta, now + left.lo, now + left.hi, !e.calibrated) }
        return (nil, now + left.eta, nil, !e.calibrated)
    }
}
