import Foundation

/// How earlier runs' errors calibrate a run's range (docs/ETA.md, step 6).
extension Estimator {
    /// The raw estimate's log errors on earlier runs at this point of progress.
    /// (Pooled with the neighbouring tenths, for three times the sample.)
    static func pastErrors(_ past: PastRuns, progress: Double) -> (errors: [Double], runs: Int) {
        let i = min(8, max(0, Int((progress * 10).rounded()) - 1))
        var runs = 0
        // The newest runs only: a pipeline's estimates get better as its history grows, so
        // its early runs' errors overstate what a run now can be off by (docs/ETA.md).
        let errors = past.runs.filter { $0.etaErrors?.count == 9 }.suffix(calibrationDepth).flatMap { run -> [Double] in
            guard let e = run.etaErrors else { return [] }
            let mine = (max(0, i - 1)...min(8, i + 1)).compactMap { e[$0] }
            if !mine.isEmpty { runs += 1 }
            return mine
        }
        return (errors, runs)
    }

    /// t(0.90, n-1) / z(0.90): how much wider a range from n errors must be.
    static func studentFactor(_ n: Int) -> Double {
        let t: [Double] = [3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383]
        return (n - 2 < t.count && n >= 2 ? t[n - 2] : 1.30) / z80
    }

    /// The `level` quantile of sorted values (linear between neighbours). Not PipetopBoard's
    /// `percentile` (nearest rank): a range's width would jump a whole rank as runs are added.
    static func quantile(_ sorted: [Double], _ level: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? 0 }
        let x = min(1, max(0, level)) * Double(sorted.count - 1)
        let i = min(sorted.count - 2, Int(x))
        return sorted[i] + (sorted[i + 1] - sorted[i]) * (x - Double(i))
    }
}
