import Foundation

/// The estimators people use today, as each would see a single progress bar over the whole
/// job (items done of all items). Each is fed every progress update and asked once a second.
protocol BaselineEstimator {
    var name: String { get }
    mutating func update(done: Int, at t: Double)
    /// Seconds left at `now`, or nil when it shows none.
    func remaining(total: Int, now: Double) -> Double?
}

/// Items done so far over time elapsed so far (what most simple tools print).
struct OverallAverage: BaselineEstimator {
    let name = "overall average"
    let start: Double
    var done = 0
    mutating func update(done: Int, at t: Double) { self.done = done }
    func remaining(total: Int, now: Double) -> Double? {
        guard done > 0, now > start else { return nil }
        return Double(total - done) * (now - start) / Double(done)
    }
}

/// tqdm: exponential moving averages of items and seconds per refresh (smoothing 0.3, with
/// tqdm's bias correction, which cancels in their ratio). Like tqdm, it shows the value of
/// its last refresh until the next update.
struct TqdmEMA: BaselineEstimator {
    let name = "tqdm (EMA 0.3)"
    let alpha = 0.3
    var lastDone = 0
    var lastT: Double
    var emaDn = 0.0, emaDt = 0.0
    var rate: Double?
    init(start: Double) { lastT = start }
    mutating func update(done: Int, at t: Double) {
        let dn = Double(done - lastDone), dt = t - lastT
        guard dn > 0, dt > 0 else { return }
        emaDn = alpha * dn + (1 - alpha) * emaDn
        emaDt = alpha * dt + (1 - alpha) * emaDt
        lastDone = done
        lastT = t
        rate = emaDn / emaDt
    }
    func remaining(total: Int, now: Double) -> Double? {
        guard let rate, rate > 0 else { return nil }
        return Double(total - lastDone) / rate
    }
}

/// rich: speed over the progress samples of the last 30 s (first to last update in that
/// window, so it freezes when updates stop).
struct RichWindow: BaselineEstimator {
    let name = "30 s window (rich)"
    var samples: [(t: Double, n: Int)] = []
    mutating func update(done: Int, at t: Double) {
        samples.append((t, done))
        while let f = samples.first, t - f.t > 30 { samples.removeFirst() }
    }
    func remaining(total: Int, now: Double) -> Double? {
        guard let f = samples.first, let l = samples.last, l.t > f.t, l.n > f.n else { return nil }
        return Double(total - l.n) / (Double(l.n - f.n) / (l.t - f.t))
    }
}

/// The seed documents' method: exponential smoothing of (items left / average rate), the
/// factor 1/(1+sd) of the last ten raw estimates, clamped to 0.1...0.9.
struct SeedAdaptive: BaselineEstimator {
    let name = "seeds' adaptive"
    let start: Double
    var samples: [Double] = []
    var estimate: Double?
    let total: Int
    mutating func update(done: Int, at t: Double) {
        guard done > 0, t > start else { return }
        let simple = Double(total - done) / (Double(done) / (t - start))
        samples.append(simple)
        if samples.count > 10 { samples.removeFirst() }
        var factor = 0.5
        if samples.count >= 3 {
            let mean = samples.reduce(0, +) / Double(samples.count)
            let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
            factor = max(0.1, min(0.9, 1 / (1 + variance.squareRoot())))
        }
        estimate = estimate.map { factor * simple + (1 - factor) * $0 } ?? simple
    }
    func remaining(total: Int, now: Double) -> Double? { estimate }
}
