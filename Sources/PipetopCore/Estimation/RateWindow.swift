/// The progress history of one phase: (time, items processed) samples, enough to say how
/// fast it goes now, how fast it went at any point, and how long it usually waits between
/// updates.
///
/// Times are the job's *active* time (`Job.activeTime`): a pause does not exist here, so it
/// never counts as slowness. Counts are items worked on (done + failed: a failed item took its
/// time too); skipped items, and items a resumed run finds already done, shorten the work left
/// but are not speed.
///
/// Fixed memory: at most `capacity` samples. Bursts closer than `spacing` overwrite the newest
/// sample; when full, the older half is thinned (`thin`), so resolution fades with
/// age (dense for the last minutes, sparse for hours ago) while the whole phase stays covered.
public struct RateWindow: Sendable, Codable, Equatable {
    public struct Sample: Sendable, Codable, Equatable {
        public var t: Double
        public var n: Int

        init(t: Double, n: Int) { self.t = t; self.n = n }

        // Stored and sent as a pair `[t, n]`: a busy phase has up to 160 of them, and every
        // viewer decodes them on every frame (an object per sample cost more than twice as
        // much). `{"t":..,"n":..}` from older snapshots still reads.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(t)
            try c.encode(n)
        }

        public init(from decoder: Decoder) throws {
            if var c = try? decoder.unkeyedContainer() {
                t = try c.decode(Double.self)
                n = try c.decode(Int.self)
            } else {
                let c = try decoder.container(keyedBy: Keys.self)
                t = try c.decode(Double.self, forKey: .t)
                n = try c.decode(Int.self, forKey: .n)
            }
        }

        private enum Keys: String, CodingKey { case t, n }
    }

    public private(set) var samples: [Sample] = []
    /// The longest recent gaps between updates that moved the count: at most `gapsKept`,
    /// none older than `gapMemory` seconds.
    public private(set) var gaps: [Gap] = []
    /// Time of the last update that moved the count (on this window's clock, see `offset`).
    public private(set) var lastIncrease: Double?
    /// Highest rate seen over any span of at least `peakSpan` seconds.
    public private(set) var peak: Double = 0
    /// Seconds of stalls that ended (an outage, a lost connection): left out of the clock
    /// samples are kept on, so a stall counts while it lasts but not once work resumes.
    public private(set) var offset: Double = 0
    /// The last stall left out (where it began on this window's clock, and how long it was):
    /// if a gap as long comes again, it was the work's rhythm after all and is put back.
    private var outage: Gap?
    /// The longest gap this phase showed in earlier runs of the pipeline: a wait that long is
    /// its rhythm (a rate limit, a batch), not a stall, from the first time it comes.
    public var usualGap: Double = 0
    /// Whether the first progress report has been seen (it may carry work done before).
    private var anchored = false

    public struct Gap: Sendable, Codable, Equatable {
        public var at: Double
        public var seconds: Double
    }

    public static let capacity = 160
    public static let spacing = 0.5
    /// The shortest look-back the rate uses (seconds).
    public static let window = 30.0
    static let gapsKept = 16
    static let gapMemory = 600.0
    /// Gaps seen before a long wait can be told from the work's rhythm (an outage).
    static let rhythmSeen = 3
    /// Gaps shorter than this are a busy producer, not waiting.
    static let gapFloor = 0.25
    static let peakSpan = 5.0
    /// A first report this soon after the start that carries this share of the total is work
    /// found done (a resumed run), not speed.
    static let anchorDelay = 2.0
    static let anchorShare = 0.02

    public init() {}

    public var first: Sample? { samples.first }
    public var last: Sample? { samples.last }

    /// Records the count `n` at active time `t`. `total` (when known) tells a resumed run's
    /// opening jump from work.
    public mutating func record(_ n: Int, at activeTime: Double, total: Int? = nil) {
        var t = activeTime - offset
        guard var l = samples.last else {
            samples.append(Sample(t: t, n: n))
            return
        }
        if n < l.n {
            // Counts went back (a reset): old history no longer applies; what earlier runs
            // showed about its rhythm still does.
            let usual = usualGap
            self = RateWindow()
            usualGap = usual
            samples.append(Sample(t: activeTime, n: n))
            return
        }
        if n > l.n, let li = lastIncrease {
            let gap = t - li
            if let o = outage, gap >= o.seconds / 2 {
                // A wait like the last "outage" came again: it is how this work goes (a rate
                // limit, a batch). Put that one back and count waits this long as rhythm.
                for i in samples.indices where samples[i].t > o.at { samples[i].t += o.seconds }
                offset -= o.seconds
                t += o.seconds
                lastIncrease = li > o.at ? li + o.seconds : li
                noteGap(o.seconds, at: t)
                outage = nil
            } else if gap >= Self.stallThreshold(expectedGap) && (gaps.count >= Self.rhythmSeen || usualGap > 0) {
                // Work resumed after a stall. If it brings no more than the pace before it
                // would in a usual wait, nothing happened meanwhile: an outage, left out from
                // here on but for one usual gap. A catch-up (far more items) means the work
                // went on unseen (a lost connection): the time counts.
                let usualStep = max(expectedGap, 1)
                let look = max(Self.window, 4 * expectedGap)
                let paceBefore = (count(at: li) - count(at: li - look)) / look
                if Double(n - l.n) <= max(3, paceBefore * usualStep * 3) {
                    let length = max(0, gap - usualStep)
                    // Reports of the same count during the stall collapse onto its start.
                    for i in samples.indices where samples[i].t > li { samples[i].t = li }
                    outage = Gap(at: li, seconds: length)
                    offset += length
                    t -= length
                }
            }
            l = samples[samples.count - 1]  // moved above
        }
        if n > l.n {
            if !anchored {
                anchored = true
                let jump = n - l.n
                let share = total.map { $0 > 0 ? Double(jump) / Double($0) : 0 } ?? 0
                if t - samples[0].t <= Self.anchorDelay && share >= Self.anchorShare {
                    // Found done, not done now: the rate starts from here.
                    samples = [Sample(t: t, n: n)]
                    lastIncrease = t
                    return
                }
            }
            if let li = lastIncrease, t - li >= Self.gapFloor, t - li > 0 { noteGap(t - li, at: t) }
            lastIncrease = t
        }
        let flat = n == l.n && samples.count > 1 && samples[samples.count - 2].n == n
        // The newest moves with each update until it is `spacing` past the one before it
        // (against the newest itself, steady updates a little closer than `spacing` would
        // all merge into one sliding sample).
        let burst = samples.count > 1 && l.t - samples[samples.count - 2].t < Self.spacing
        if burst || flat {
            // A burst, or the same count again: move the newest sample instead of adding one,
            // so neither pushes older history out.
            samples[samples.count - 1] = Sample(t: max(t, l.t), n: n)
        } else {
            if samples.count == Self.capacity { thin() }
            samples.append(Sample(t: max(t, l.t), n: n))
        }
        notePeak()
    }

    private mutating func noteGap(_ seconds: Double, at t: Double) {
        gaps.removeAll { $0.at < t - Self.gapMemory }
        gaps.append(Gap(at: t, seconds: seconds))
        if gaps.count > Self.gapsKept, let i = gaps.indices.min(by: { gaps[$0].seconds < gaps[$1].seconds }) {
            gaps.remove(at: i)
        }
    }

    /// No progress for this long is a stall: five times the longest recent gap, at least 30 s.
    public static func stallThreshold(_ maxGap: Double) -> Double { max(window, 5 * maxGap) }

    /// Seconds since the count last moved, at active time `now` (nil before it first moved).
    public func idle(now: Double) -> Double? { lastIncrease.map { max(0, now - offset - $0) } }

    /// Active time of the last update that moved the count.
    public var lastIncreaseActive: Double? { lastIncrease.map { $0 + offset } }

    /// This window's clock at active time `now` (see `offset`).
    public func clock(_ now: Double) -> Double { now - offset }

    /// Makes room in the older half (never dropping the first): a sample goes when it is
    /// closer to the one kept before it than a twentieth of its age, so resolution fades with
    /// age but every stretch of the phase keeps some (thinning every other sample each time
    /// would leave the oldest stretch of a long phase with none). When nothing is that close,
    /// every other sample goes.
    private mutating func thin() {
        let half = samples.count / 2
        let newest = samples[samples.count - 1].t
        var kept: [Sample] = [samples[0]]
        kept.reserveCapacity(Self.capacity)
        for i in 1..<half where samples[i].t - kept[kept.count - 1].t >= (newest - samples[i].t) / 20 { kept.append(samples[i]) }
        if kept.count >= half - 1 {
            kept = [samples[0]]
            for i in 1..<half where i % 2 == 0 { kept.append(samples[i]) }
        }
        kept.append(contentsOf: samples[half...])
        samples = kept
    }

    private mutating func notePeak() {
        guard let newest = samples.last else { return }
        for s in samples.reversed().dropFirst() where newest.t - s.t >= Self.peakSpan {
            peak = max(peak, Double(newest.n - s.n) / (newest.t - s.t))
            return
        }
    }

    /// The count at time `t`, interpolated between samples (the first count before them).
    public func count(at t: Double) -> Double {
        guard let f = samples.first else { return 0 }
        if t <= f.t { return Double(f.n) }
        guard let l = samples.last, t < l.t else { return Double(samples.last!.n) }
        // Binary search for the last sample at or before t.
        var lo = 0, hi = samples.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if samples[mid].t <= t { lo = mid } else { hi = mid }
        }
        let a = samples[lo], b = samples[hi]
        guard b.t > a.t else { return Double(b.n) }
        return Double(a.n) + Double(b.n - a.n) * (t - a.t) / (b.t - a.t)
    }

    /// The longest recent wait between updates that moved the count (0 when all were brisk).
    public var recentMaxGap: Double { gaps.map(\.seconds).max() ?? 0 }

    /// The longest wait to expect: the recent ones, or what earlier runs showed.
    public var expectedGap: Double { max(recentMaxGap, usualGap) }

    /// Items per second over the last `window` seconds (or since the first sample), ending at
    /// `now`, so a stall shows as a falling rate. Nil until there is a span to measure over.
    public func rate(now: Double, window: Double = RateWindow.window) -> Double? {
        guard let newest = samples.last, let first = samples.first, samples.count >= 2 else { return nil }
        let end = max(clock(now), newest.t)
        let from = max(first.t, end - window)
        guard end - from > 0 else { return nil }
        return (Double(newest.n) - count(at: from)) / (end - from)
    }

    /// Rates over `buckets` equal spans ending at `now` and reaching back `span` seconds (or
    /// to the first sample): the phase's throughput sparkline.
    public func history(now: Double, span: Double, buckets: Int) -> [Double] {
        guard let first = samples.first, buckets > 0, samples.count >= 2 else { return [] }
        let end = max(clock(now), samples.last!.t)
        let start = max(first.t, end - span)
        guard end > start else { return [] }
        let w = (end - start) / Double(buckets)
        return (0..<buckets).map { i in
            let a = start + Double(i) * w
            return max(0, (count(at: a + w) - count(at: a)) / w)
        }
    }

    private enum CodingKeys: String, CodingKey { case samples, gaps, lastIncrease, peak, offset, outage, usualGap, anchored }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        samples = try c.decodeIfPresent([Sample].self, forKey: .samples) ?? []
        gaps = try c.decodeIfPresent([Gap].self, forKey: .gaps) ?? []
        offset = try c.decodeIfPresent(Double.self, forKey: .offset) ?? 0
        outage = try c.decodeIfPresent(Gap.self, forKey: .outage)
        usualGap = try c.decodeIfPresent(Double.self, forKey: .usualGap) ?? 0
        lastIncrease = try c.decodeIfPresent(Double.self, forKey: .lastIncrease)
        peak = try c.decodeIfPresent(Double.self, forKey: .peak) ?? 0
        anchored = try c.decodeIfPresent(Bool.self, forKey: .anchored) ?? (samples.count > 1)
    }
}
