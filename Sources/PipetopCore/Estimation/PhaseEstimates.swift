/// The estimator's memory of one phase: how its count moved (the rate window) and the shape
/// of its progress (the curve later runs are estimated from). Kept in `Estimates`, beside the
/// phase, never in it: the phase holds what the job reported.
public struct PhaseEstimates: Sendable, Codable, Equatable {
    /// The phase's id.
    public var id: String
    public var rate = RateWindow()
    /// Active seconds from the start until 0%, 5%, ... 100% of the total was accounted for:
    /// the shape of this run's progress, which later runs are estimated from.
    public var curve: [Double]?

    public init(id: String) { self.id = id }

    /// Notes the phase's counts after a progress event at active time `a`: items worked
    /// (done + failed), its total and fraction, and when it started (active time).
    mutating func counted(worked: Int, total: Int?, fraction: Double?, since start: Double?, activeTime a: Double) {
        rate.record(worked, at: a, total: total)
        extendCurve(fraction, activeElapsed: a - (start ?? a))
    }

    /// Notes the active time at which each further 5% of the total was reached.
    mutating func extendCurve(_ fraction: Double?, activeElapsed e: Double) {
        guard let f = fraction else { return }
        if curve == nil { curve = [0] }
        // In place: this runs on every progress event.
        while let n = curve?.count, n < 21 && f + 1e-9 >= Double(n) / 20 { curve?.append(e) }
    }

    /// A phase that ended done reached 100% when it ended, whatever its counts said.
    mutating func finishCurve(activeElapsed e: Double) {
        guard var c = curve else { return }
        while c.count < 21 { c.append(e) }
        curve = c
    }
}
