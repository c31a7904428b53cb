import Foundation

/// How well the live rate's look-back, and the plain average since the phase's rate began,
/// would have predicted this phase's own recent past (issue 22).
///
/// A look-back fits drift, a warm-up, a slowdown; it does not fit a rate that cycles (load
/// by time of day, validation pauses, commits in batches, bursts of a throttle), where it
/// chases whichever part of the cycle it last saw while the average over all of it is right.
/// So at a few earlier moments of the phase both are asked for the rate over the stretch that
/// followed (as long as the time now left, at most half the phase so far), and the live
/// estimate leans towards the average as far as it did worse; the backtest's own error
/// widens the range.
struct Backtest: Equatable {
    /// Share of the live estimate in the blend (0: the average alone).
    var liveWeight: Double
    /// Mean squared log error of the blend over the tested moments.
    var blendVar: Double
    /// The average rate since the phase's rate began.
    var averageRate: Double

    /// Tested moments (evenly spread over the phase so far).
    static let points = 8

    /// nil when the phase is too young to test (the live estimate stands alone).
    init?(_ w: RateWindow, end: Double, lookBack: Double, horizon: Double) {
        guard let first = w.first else { return nil }
        let span = end - first.t
        let h = min(horizon, span / 2)
        guard h > 0, lookBack > 0 else { return nil }
        let n0 = Double(first.n)
        averageRate = (w.count(at: end) - n0) / span
        let from = first.t + max(lookBack, span * 0.2), to = end - h
        guard to > from, averageRate > 0 else { return nil }
        var liveErr: [Double] = [], avgErr: [Double] = []
        for k in 0..<Self.points {
            let t = from + (to - from) * Double(k) / Double(Self.points - 1)
            let nt = w.count(at: t)
            let actual = (w.count(at: t + h) - nt) / h
            let live = (nt - w.count(at: t - lookBack)) / lookBack
            let avg = (nt - n0) / (t - first.t)
            guard actual > 0, live > 0, avg > 0 else { continue }
            liveErr.append(log(live / actual))
            avgErr.append(log(avg / actual))
        }
        guard liveErr.count >= 3 else { return nil }
        let ms = { (e: [Double]) in e.reduce(0) { $0 + $1 * $1 } / Double(e.count) }
        let lv = ms(liveErr), av = ms(avgErr)
        // Squared: the clearly better predictor takes nearly all (a cycling rate makes the
        // look-back several times worse, not a little).
        liveWeight = (av * av + 1e-8) / (lv * lv + av * av + 2e-8)
        let wl = liveWeight
        blendVar = ms(zip(liveErr, avgErr).map { wl * $0 + (1 - wl) * $1 })
    }
}
