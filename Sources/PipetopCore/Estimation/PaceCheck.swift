import Foundation

/// Whether scaling a past run's time left by this run's pace helps, asked of the past runs
/// themselves (issue 22): each of the newest is predicted from the others at this point of
/// the phase, once scaled by how fast it covered the phase so far against them, once not.
///
/// Runs that differ in speed are told apart by their pace; but where the rate cycles with the
/// time of day, the pace over part of a cycle says where the run stood in its cycle, not how
/// fast it is, and the plain past times are the better guess until whole cycles are behind.
struct PaceCheck: Equatable {
    /// How far the pace should count (1: fully, 0: not at all).
    var weight: Double

    static let runs = 6

    /// `from`, `to`: the share of the phase where this run's rate began and where it is now.
    init?(_ curves: [[Double]], from: Double, to: Double) {
        let cs = curves.suffix(Self.runs).filter { $0.count == 21 && $0[20] > 0 }
        guard cs.count >= 3, to > from else { return nil }
        var scaled = 0.0, plain = 0.0, n = 0.0
        for (j, cj) in cs.enumerated() {
            let actual = cj[20] - interpolate(cj, to)
            let spanJ = interpolate(cj, to) - interpolate(cj, from)
            guard actual > 0.5, spanJ > 0.5 else { continue }
            for (i, ci) in cs.enumerated() where i != j {
                let left = ci[20] - interpolate(ci, to)
                let spanI = interpolate(ci, to) - interpolate(ci, from)
                guard left > 0.5, spanI > 0.5 else { continue }
                let e = log(left / actual), s = log(left * spanJ / spanI / actual)
                plain += e * e
                scaled += s * s
                n += 1
            }
        }
        guard n >= 3 else { return nil }
        // Squared, as in `Backtest`: the clearly better one takes nearly all.
        let p = plain / n, s = scaled / n
        weight = (p * p + 1e-8) / (p * p + s * s + 2e-8)
    }
}
