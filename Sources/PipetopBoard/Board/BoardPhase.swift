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
    /// 0...1; nil when there is no total to measure against.
    public var fraction: Double?
    /// Items a second: over the recent look-back (running phases), and over the whole run.
    public var rate: Double?
    public var averageRate: Double?
    /// The fastest rate seen (nil before any).
    public var peakRate: Double?
    /// Items a second in equal slices of the phase's run so far: its sparkline.
    public var throughput: [Double]
    public var startedAt: Double?
    public var endedAt: Double?
    /// Seconds since it started (to its end once ended), at the board's time.
    public var elapsed: Double?
    /// Seconds left in a running phase (nil: cannot be said, or not running).
    public var eta: Double?
    /// Seconds without progress, when longer than the phase's gaps warrant.
    public var stalledFor: Double?
    public var retries: Int
    public var errorCount: Int
    public var error: String?
    /// Its durations in the pipeline's earlier completed runs.
    public var past: PastDurations?
    public var usage: PhaseUsage?
    public var steps: BoardSteps

    public init(id: String, name: String, state: PhaseState, done: Int = 0, failed: Int = 0, skipped: Int = 0, total: Int? = nil,
                unit: String? = nil, fraction: Double? = nil, rate: Double? = nil, averageRate: Double? = nil, peakRate: Double? = nil,
                throughput: [Double] = [], startedAt: Double? = nil, endedAt: Double? = nil, elapsed: Double? = nil, eta: Double? = nil,
                stalledFor: Double? = nil, retries: Int = 0, errorCount: Int = 0, error: String? = nil, past: PastDurations? = nil,
                usage: PhaseUsage? = nil, steps: BoardSteps = BoardSteps()) {
        self.id = id; self.name = name; self.state = state; self.done = done; self.failed = failed; self.skipped = skipped
        self.total = total; self.unit = unit; self.fraction = fraction; self.rate = rate; self.averageRate = averageRate
        self.peakRate = peakRate; self.throughput = throughput; self.startedAt = startedAt; self.endedAt = endedAt
        self.elapsed = elapsed; self.eta = eta; self.stalledFor = stalledFor; self.retries = retries
        self.errorCount = errorCount; self.error = error; self.past = past; self.usage = usage; self.steps = steps
    }

    /// Items accounted for: processed, failed or skipped.
    public var accounted: Int { done &+ failed &+ skipped }

    /// Elapsed time `seconds` after the board was made (it counts while the phase runs).
    public func elapsed(after seconds: Double) -> Double? {
        guard let e = elapsed else { return nil }
        return state == .running && endedAt == nil ? e + max(0, seconds) : e
    }

    /// A running phase already slower than 95% of its past runs.
    public var slowerThanUsual: Bool {
        guard state == .running, let e = elapsed, let p = past else { return false }
        return e > p.p95
    }
}
