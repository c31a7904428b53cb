import Foundation

/// How well the live rate's look-back, and the plain average since the phase's rate began,
/// would have predicted this phase's own recent past, and the same phase in earlier runs
/// (issue 22).
///
/// A look-back fits drift, a warm-up, a slowdown; it does not fit a rate that cycles (load
/// by time of day, validation pauses, commits in batches, bursts of a throttle), where it
/// chases whichever part of the cycle it last saw while the average over all of it is right.
/// So at a few earlier moments of the phase both are asked for the rate over the stretch that
/// followed (as long as the time now left, at most half the phase so far), and the live
/// estimate leans towards the average as far as it did worse; the backtest's own error
/// widens the range. Earlier runs' progress curves are asked the same (with the same look-back
/// and horizon): they know that a phase cycles before this run has seen one cycle.
struct Backtest: Equatable {
    /// Share of the live estimate in the blend (0: the average alone).
    var liveWeight: Double
    /// Mean squared log error of the blend over the tested moments.
    var blendVar: Double
    /// Moments tested in this run and in earlier ones.
    var tested: Int
    /// How much worse the blend did on this run than on the earlier runs (mean squared log
    /// error, 0 when not worse or either is untested): a misfit past runs' errors do not
    /// carry, so a range calibrated on them would claim too much.
    var unforeseen: Double = 0
    /// The blend's mean squared log error on the earlier runs (nil when none were tested).
    var earlierVar: Double?

    /// Tested moments per run (evenly spread over the phase so far).
    static let points = 8
    /// Earlier runs asked (the newest).
    static let pastRuns = 5

    /// Log errors (look-back, average) at the tested moments of a phase that began at
    /// `start` with `n0` items and has `count(t)` items at time t, up to `end`.
    static func errors(start: Double, n0: Double, end: Double, lookBack: Double, horizon: Double,
                       count: (Double) -> Double) -> [(live: Double, average: Double)] {
        let span = end - start
        let h = min(horizon, span / 2)
        guard h > 0, lookBack > 0 else { return [] }
        let from = start + max(lookBack, span * 0.2), to = end - h
        guard to > from else { return [] }
        var out: [(live: Double, average: Double)] = []
        for k in 0..<Self.points {
            let t = from + (to - from) * Double(k) / Double(Self.points - 1)
            let nt = count(t)
            let actual = (count(t + h) - nt) / h
            let live = (nt - count(t - lookBack)) / lookBack
            let avg = (nt - n0) / (t - start)
            guard actual > 0, live > 0, avg > 0 else { continue }
            out.append((log(live / actual), log(avg / actual)))
        }
        return out
    }

    /// This run's phase (`w`, up to `end`) and the phase in earlier runs (their progress
    /// curves, active seconds to each 5%); nil when neither can be tested yet.
    init?(_ w: RateWindow, end: Double, lookBack: Double, horizon: Double, curves: [[Double]] = []) {
        var own: [(live: Double, average: Double)] = [], earlier: [(live: Double, average: Double)] = []
        if let first = w.first, end > first.t {
            own = Self.errors(start: first.t, n0: Double(first.n), end: end, lookBack: lookBack, horizon: horizon) { w.count(at: $0) }
        }
        for curve in curves.suffix(Self.pastRuns) where curve.count == 21 && curve[20] > curve[0] {
            earlier += Self.errors(start: curve[0], n0: 0, end: curve[20], lookBack: lookBack, horizon: horizon) { progress(curve, at: $0) }
        }
        let errs = own + earlier
        guard errs.count >= 3 else { return nil }
        let ms = { (e: [Double]) in e.reduce(0) { $0 + $1 * $1 } / Double(e.count) }
        let lv = ms(errs.map(\.live)), av = ms(errs.map(\.average))
        // Squared: the clearly better predictor takes nearly all (a cycling rate makes the
        // look-back several times worse, not a little).
        liveWeight = (av * av + 1e-8) / (lv * lv + av * av + 2e-8)
        let wl = liveWeight
        let blend = { (e: [(live: Double, average: Double)]) in ms(e.map { wl * $0.live + (1 - wl) * $0.average }) }
        blendVar = blend(errs)
        tested = errs.count
        if earlier.count >= 3 { earlierVar = blend(earlier) }
        if own.count >= 3, let e = earlierVar { unforeseen = max(0, blend(own) - e) }
    }
}

/// The share of a phase done (0...1) `t` active seconds in, on a progress curve (active
/// seconds to reach 0%, 5%, ... 100%): the inverse of `interpolate`.
func progress(_ curve: [Double], at t: Double) -> Double {
    guard let last = curve.last, let first = curve.first else { return 0 }
    if t <= first { return 0 }
    if t >= last { return 1 }
    var i = 0
    while i < curve.count - 2 && curve[i + 1] <= t { i += 1 }
    let step = curve[i + 1] - curve[i]
    let within = step > 0 ? (t - curve[i]) / step : 1
    return (Double(i) + within) / Double(curve.count - 1)
}
