import Foundation

/// A rate that cycles (load by time of day, epochs with validation between them, a
/// throttle's windows), found in the phase's own progress (issue 22).
///
/// The phase so far is cut into equal buckets and the items done in each compared with
/// themselves one lag later (autocorrelation): a cycle shows as a strong likeness at a lag
/// of one period after a clear dip below none. A trend or one change of pace never dips and rises
/// again, and noise does not reach the bar. Lags go up to two thirds of the phase, so at
/// least one and a half periods are behind when a cycle is seen.
///
/// With a cycle seen, the time left is worked out over whole cycles: as many periods as the
/// work left fills at the items per period of the last whole periods, and the rest along
/// those periods' own profile from where this run now stands in its cycle.
struct Cycle: Equatable {
    var period: Double
    /// Likeness of the rate to itself one period later (0...1).
    var strength: Double
    /// Whole periods behind that the profile is taken from (at most `periodsUsed`).
    var periods: Int
    var itemsPerPeriod: Double
    /// Relative spread of the items done per period between those periods.
    var spread: Double
    /// Where the periods behind begin (the window's clock) and its end.
    var end: Double

    static let buckets = 96
    /// The likeness a cycle needs at its period, and how far below none it must dip first
    /// (weaker ones came from noise or a fan-out's stages on the benchmark's traces).
    static let minStrength = 0.7
    static let minDip = 0.3
    /// The smallest swing of the rate between buckets (standard deviation / mean) that counts.
    static let minSwing = 0.1
    /// The likeness at which the cycle's estimate counts whole; between `minStrength` and this
    /// it is blended with the live rate's (issue 22: switching at once made training runs
    /// jumpier than the overall average; a ramp of 0.2 beat 0.3 and 0.5 on day/night load).
    static let fullStrength = 0.9

    static let periodsUsed = 3

    init?(_ w: RateWindow, end: Double) {
        guard let first = w.first else { return nil }
        let k = Self.buckets
        let width = (end - first.t) / Double(k)
        guard width > 0 else { return nil }
        var d = [Double](repeating: 0, count: k)
        var previous = w.count(at: first.t)
        for i in 0..<k {
            let c = w.count(at: first.t + Double(i + 1) * width)
            d[i] = c - previous
            previous = c
        }
        let mean = d.reduce(0, +) / Double(k)
        for i in d.indices { d[i] -= mean }
        let variance = d.reduce(0) { $0 + $1 * $1 } / Double(k)
        // A swing of the rate too small to matter to the time left is no cycle (and a
        // likeness among near-equal buckets is rounding).
        guard mean > 0, variance > pow(Self.minSwing * mean, 2) else { return nil }
        func likeness(_ lag: Int) -> Double {
            var s = 0.0
            for i in 0..<(k - lag) { s += d[i] * d[i + lag] }
            return s / Double(k - lag) / variance
        }
        // The first peak above the bar after a clear dip.
        var dipped = false, found: Int?
        let ac = (0...(k * 2 / 3 + 1)).map { $0 < 2 ? 1.0 : likeness($0) }
        for lag in 2...(k * 2 / 3) {
            if ac[lag] < -Self.minDip { dipped = true }
            if dipped, ac[lag] >= Self.minStrength, ac[lag] >= ac[lag - 1], ac[lag] >= ac[lag + 1] { found = lag; break }
        }
        guard let lag = found else { return nil }
        // Between buckets: the top of the parabola through the peak and its neighbours.
        let a = ac[lag - 1], b = ac[lag], c = ac[lag + 1]
        let curvature = a - 2 * b + c
        let shift = curvature < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / curvature)) : 0
        period = (Double(lag) + shift) * width
        strength = min(1, b)
        self.end = end
        periods = min(Self.periodsUsed, Int((end - first.t) / period))
        guard periods >= 1 else { return nil }
        let p = period
        let counts = (0..<periods).map { j in w.count(at: end - Double(j) * p) - w.count(at: end - Double(j + 1) * p) }
        let perPeriod = counts.reduce(0, +) / Double(periods)
        guard perPeriod > 0 else { return nil }
        let sd = (counts.reduce(0) { $0 + ($1 - perPeriod) * ($1 - perPeriod) } / Double(periods)).squareRoot()
        itemsPerPeriod = perPeriod
        spread = sd / perPeriod
    }

    /// How far this cycle's estimate counts against the live rate's (0...1).
    var weight: Double { min(1, max(0, (strength - Self.minStrength) / (Self.fullStrength - Self.minStrength))) }

    /// Seconds to do `items` more: whole periods, then the rest along the periods' profile.
    func seconds(for items: Double, _ w: RateWindow) -> Double {
        let whole = (items / itemsPerPeriod).rounded(.down)
        let rest = items - whole * itemsPerPeriod
        // Items done `x` seconds into a period that starts at this run's point of its cycle.
        func profile(_ x: Double) -> Double {
            var s = 0.0
            for j in 1...periods {
                let a = end - Double(j) * period
                s += w.count(at: a + x) - w.count(at: a)
            }
            return s / Double(periods)
        }
        var lo = 0.0, hi = period
        for _ in 0..<24 {
            let mid = (lo + hi) / 2
            if profile(mid) < rest { lo = mid } else { hi = mid }
        }
        return whole * period + (lo + hi) / 2
    }

    /// Variance of the log of `seconds` worked out this way: the items per period vary
    /// between periods, and where the rest ends within a period is as uncertain as the
    /// period is (more so for a weaker likeness).
    func logVar(_ seconds: Double) -> Double {
        let phase = (1 - strength + 0.1) * period / 2 / max(seconds, period / 2)
        return spread * spread / Double(periods) + phase * phase
    }
}
