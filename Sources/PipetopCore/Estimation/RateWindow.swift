/// Recent (time, items processed) samples of one phase, enough to say how fast it goes.
///
/// Fixed memory: at most `capacity` samples, at least `spacing` seconds apart (a burst of
/// updates overwrites the newest sample instead of pushing history out). The rate is
/// measured up to *now*, not up to the last update, so a stall shows as a falling rate
/// instead of a frozen one.
public struct RateWindow: Sendable, Codable, Equatable {
    public struct Sample: Sendable, Codable, Equatable {
        public var t: Double
        public var n: Int
    }

    public private(set) var samples: [Sample] = []
    public static let capacity = 128
    public static let spacing = 0.5
    /// How far back the rate looks at least (seconds).
    public static let window = 30.0

    public init() {}

    public var last: Sample? { samples.last }

    public mutating func record(_ n: Int, at t: Double) {
        if let l = samples.last {
            if n < l.n {
                // Counts went back (a reset or a resumed run): old history no longer applies.
                samples.removeAll(keepingCapacity: true)
            } else if t - l.t < Self.spacing, samples.count > 1 {
                samples[samples.count - 1] = Sample(t: max(t, l.t), n: n)
                return
            }
        }
        if samples.count == Self.capacity { samples.removeFirst(Self.capacity / 4) }
        samples.append(Sample(t: t, n: n))
    }

    /// Items per second over the last `window` seconds (or since the first sample), ending at
    /// `now`. Nil until there is a span to measure over.
    public func rate(now: Double, window: Double = RateWindow.window) -> Double? {
        guard let newest = samples.last, samples.count >= 2 else { return nil }
        let end = max(now, newest.t)
        let from = end - window
        // The newest sample at or before the window's start; else the oldest we have.
        var base = samples[0]
        for s in samples.reversed() where s.t <= from { base = s; break }
        let dt = end - base.t
        guard dt > 0 else { return nil }
        return Double(newest.n - base.n) / dt
    }
}

/// A plain estimate of the time left: what remains divided by the recent rate.
/// (History-aware estimation comes later; this is the honest baseline.)
public enum ETA {
    /// Seconds left for a phase, or nil when it cannot be said (no total, no rate yet).
    public static func phase(_ p: Phase, now: Double) -> Double? {
        guard p.state == .running, let remaining = p.remaining else { return nil }
        if remaining == 0 { return 0 }
        guard let r = p.rate.rate(now: now), r > 0 else { return nil }
        return Double(remaining) / r
    }

    /// Seconds since a running phase last moved.
    public static func idle(_ p: Phase, now: Double) -> Double? {
        guard p.state == .running else { return nil }
        let last = p.rate.last?.t ?? p.startedAt
        return last.map { max(0, now - $0) }
    }
}
