/// What a run has promised: to finish by a clock time, and/or within a duration. Set by
/// `job.start` (`deadline`, `max_duration`) or by a configured `[[sla]]` for the job's
/// pipeline (docs/ALERTS.md "Deadlines and SLAs").
public struct Deadline: Sendable, Codable, Equatable {
    /// Epoch seconds on the engine's clock (a deadline is a wall-clock promise, whatever the
    /// producer's clock says).
    public var finishBy: Double?
    /// Seconds from the job's start.
    public var maxDuration: Double?
    /// Where it came from, as alerts and reports say it: "job.start", "sla nightly-import".
    public var source: String

    public init(finishBy: Double? = nil, maxDuration: Double? = nil, source: String) {
        self.finishBy = finishBy; self.maxDuration = maxDuration; self.source = source
    }

    /// The moment the run must be over by, for a run that started at `startedAt` (engine
    /// clock): the earlier of the two promises.
    public func due(startedAt: Double) -> Double? {
        let byDuration = maxDuration.map { startedAt + $0 }
        switch (finishBy, byDuration) {
        case let (a?, b?): return min(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        default: return nil
        }
    }

    /// Whether a run that started at `startedAt` and ended at `endedAt` kept its promise.
    public func met(startedAt: Double, endedAt: Double, completed: Bool) -> Bool {
        guard completed else { return false }
        return due(startedAt: startedAt).map { endedAt <= $0 } ?? true
    }
}
