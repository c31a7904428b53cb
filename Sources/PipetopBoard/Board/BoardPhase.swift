/// One phase as people see it, as of the board's time, on its job's own clock.
public struct BoardPhase: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var state: PhaseState
    public var done: Int
    public var failed: Int
    public var skipped: Int
    /// The total to show: the declared one, or the count so far when items outran it.
    public var total: Int?
    public var unit: String?
    /// Items a second over the recent look-back (running phases).
    public var rate: Double?
    /// The fastest rate seen (nil before any).
    public var peakRate: Double?
    /// Items a second in equal slices of the phase's run so far: its sparkline (for the
    /// viewer's focus only, as it changes with every frame).
    public var throughput: [Double]?
    /// Times as the job reported them (its own clock; see `BoardJob.skew`).
    public var startedAt: Double?
    public var endedAt: Double?
    /// When a running phase should be done (engine's clock; nil: cannot be said).
    public var finishAt: Double?
    /// Since when a running phase has made no progress, when that is longer than its gaps
    /// warrant (engine's clock).
    public var stalledSince: Double?
    public var retries: Int
    public var errorCount: Int
    public var error: String?
    /// Its durations in the pipeline's earlier completed runs.
    public var past: PastDurations?
    public var usage: PhaseUsage?
    public var steps: BoardSteps

    public init(id: String, name: String, state: PhaseState, done: Int = 0, failed: Int = 0, skipped: Int = 0, total: Int? = nil,
                unit: String? = nil, rate: Double? = nil, peakRate: Double? = nil, throughput: [Double]? = nil, startedAt: Double? = nil,
                endedAt: Double? = nil, finishAt: Double? = nil, stalledSince: Double? = nil, retries: Int = 0, errorCount: Int = 0,
                error: String? = nil, past: PastDurations? = nil, usage: PhaseUsage? = nil, steps: BoardSteps = BoardSteps()) {
        self.id = id; self.name = name; self.state = state; self.done = done; self.failed = failed; self.skipped = skipped
        self.total = total; self.unit = unit; self.rate = rate; self.peakRate = peakRate; self.throughput = throughput
        self.startedAt = startedAt; self.endedAt = endedAt; self.finishAt = finishAt; self.stalledSince = stalledSince
        self.retries = retries; self.errorCount = errorCount; self.error = error; self.past = past; self.usage = usage; self.steps = steps
    }

    /// Items accounted for: processed, failed or skipped.
    public var accounted: Int { done &+ failed &+ skipped }

    /// Items that count as progress (`JobFraction.progressed`): done and skipped (found done).
    /// Failed items are not progress.
    public var progressed: Int { JobFraction.progressed(done: done, skipped: skipped) }

    /// Work done, 0...1 (`progressed` of the total); nil when there is no total to measure
    /// against (1 once done) and for a skipped phase (no work to do).
    public var fraction: Double? { JobFraction.phase(state: state, done: done, skipped: skipped, total: total) }

    /// "6/10 items · 60% · 1 failed · 3 skipped": the phase's progress as every screen says it
    /// (the counts are `progressed` of the total, the percent is `fraction`).
    public var progressFacts: [String] {
        var facts: [String] = []
        if let c = progressCounts { facts.append(c + (unit.map { " " + $0 } ?? "")) }
        else if done > 0 { facts.append(Format.count(done) + (unit.map { " " + $0 } ?? "")) }
        if let f = fraction { facts.append(Format.percent(f)) }
        return facts + tallyFacts
    }

    /// "1 failed · 3 skipped": the items neither done nor to do, as `progressFacts` ends; a
    /// view with no room for the counts says these, never failed without skipped.
    public var tallyFacts: [String] {
        var facts: [String] = []
        if failed > 0 { facts.append("\(Format.count(failed)) failed") }
        if skipped > 0 { facts.append("\(Format.count(skipped)) skipped") }
        return facts
    }

    /// "428/1000": the counts of `progressFacts` without the unit (what a narrow column has
    /// room for); nil without a total.
    public var progressCounts: String? { total.map { "\(Format.count(progressed))/\(Format.count($0))" } }

    /// Seconds since it started (to its end once ended) at `now` (engine's clock), for a job
    /// whose clock is `skew` behind the engine's.
    public func elapsed(at now: Double, skew: Double) -> Double? {
        guard let s = startedAt else { return nil }
        return max(0, (endedAt ?? (now - skew)) - s)
    }

    /// Items a second over its whole run so far (what a report wants).
    public func averageRate(at now: Double, skew: Double) -> Double? {
        guard let e = elapsed(at: now, skew: skew), e > 0, done &+ failed > 0 else { return nil }
        return Double(done &+ failed) / e
    }

    /// Seconds left at `now`, for a running phase that can say.
    public func eta(at now: Double) -> Double? { finishAt.map { max(0, $0 - now) } }

    /// Seconds without progress at `now`, when stalled.
    public func stalled(at now: Double) -> Double? { stalledSince.map { max(0, now - $0) } }

    /// A running phase already slower than 95% of its past runs.
    public func slowerThanUsual(at now: Double, skew: Double) -> Bool {
        guard state == .running, let e = elapsed(at: now, skew: skew), let p = past else { return false }
        return e > p.p95
    }
}
