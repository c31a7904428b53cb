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
        rough = true
        guard !job.state.isTerminal, let e = est.eta?.shown else { return }
        let left = e.left(now: job.ownTime(now))
        rough = !e.calibrated
        if e.complete {
            finish = now + left.eta
            earliest = now + left.lo
            latest = now + left.hi
        } else {
            earliest = now + left.eta
        }
    }
}
