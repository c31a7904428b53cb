/// One phase of a job: a stage of the pipeline with its own counts and sub-steps.
public struct Phase: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var state: PhaseState
    public var total: Int?
    public var unit: String?
    public var done: Int
    public var failed: Int
    public var skipped: Int
    public var startedAt: Double?
    public var endedAt: Double?
    public var error: String?
    /// Times this phase was started again after it failed.
    public var retries: Int
    /// Log lines at level error in this phase.
    public var errorCount: Int
    public var steps: StepList
    public var rate: RateWindow
    /// What the phase used while it ran (CPU time, peaks, I/O), from the sampler.
    public var usage: PhaseUsage?
    /// The job's active time (`Job.activeTime`) when the phase started, and when it ended
    /// (kept, as pauses after the end must not shorten it).
    public var activeStart: Double?
    public var activeEnd: Double?
    /// Active seconds from the start until 0%, 5%, ... 100% of the total was accounted for:
    /// the shape of this run's progress, which later runs are estimated from.
    public var curve: [Double]?

    public init(id: String, name: String? = nil) {
        self.id = id
        self.name = name ?? id
        self.state = .pending
        self.done = 0
        self.failed = 0
        self.skipped = 0
        self.retries = 0
        self.errorCount = 0
        self.steps = StepList()
        self.rate = RateWindow()
    }

    /// Items accounted for: processed, failed or skipped.
    public var accounted: Int { done &+ failed &+ skipped }

    /// The total to show: the declared one, or the count so far when items outran it.
    public var effectiveTotal: Int? { total.map { max($0, accounted) } }

    public var fraction: Double? {
        guard let t = effectiveTotal else { return state == .done ? 1 : nil }
        if t == 0 { return state.isFinished ? 1 : 0 }
        return min(1, Double(accounted) / Double(t))
    }

    public var remaining: Int? { effectiveTotal.map { max(0, $0 - accounted) } }

    public func elapsed(now: Double) -> Double? {
        guard let s = startedAt else { return nil }
        return max(0, (endedAt ?? now) - s)
    }

    /// Seconds worked in this phase (pauses excluded), given the job it belongs to.
    public func activeElapsed(in job: Job, now: Double) -> Double? {
        guard let a = activeStart ?? startedAt.map(job.activeTime) else { return nil }
        if endedAt != nil, let e = activeEnd { return max(0, e - a) }
        return max(0, job.activeTime(endedAt ?? now) - a)
    }

    /// New counts from a progress event, noted in the rate window and the progress curve.
    mutating func count(done: Int, failed: Int?, skipped: Int?, total: Int?, activeTime a: Double) {
        self.done = done
        if let failed { self.failed = failed }
        if let skipped { self.skipped = skipped }
        if let total { self.total = total }
        rate.record(done &+ self.failed, at: a, total: effectiveTotal)
        extendCurve(activeElapsed: a - (activeStart ?? a))
    }

    /// Notes the active time at which each further 5% of the total was reached.
    mutating func extendCurve(activeElapsed e: Double) {
        guard let f = fraction else { return }
        if curve == nil { curve = [0] }
        // In place: this runs on every progress event.
        while let n = curve?.count, n < 21 && f + 1e-9 >= Double(n) / 20 { curve?.append(e) }
    }

    /// A phase that ended done reached 100% when it ended, whatever its counts said.
    mutating func finishCurve(activeElapsed e: Double) {
        guard var c = curve else { return }
        while c.count < 21 { c.append(e) }
        curve = c
    }
}

/// One sub-step inside a phase ("page 3", "shard 12", "sample NA12878").
public struct Step: Sendable, Codable, Equatable {
    public var id: String
    public var state: StepState
    public var startedAt: Double
    public var endedAt: Double?
    public var detail: String?

    public init(id: String, state: StepState, startedAt: Double, endedAt: Double? = nil, detail: String? = nil) {
        self.id = id; self.state = state; self.startedAt = startedAt; self.endedAt = endedAt; self.detail = detail
    }

    public func duration(now: Double) -> Double { max(0, (endedAt ?? now) - startedAt) }
}

/// The steps of a phase in the order they first appeared, with lookup by id, bounded:
/// past `limit` the oldest finished steps are dropped (and counted) so that a phase with
/// millions of steps does not grow without bound.
public struct StepList: Sendable, Equatable, Codable {
    public private(set) var items: [Step] = []
    private var index: [String: Int] = [:]
    /// Finished steps dropped to stay within the limit.
    public private(set) var dropped: Int = 0
    public static let limit = 20_000

    public init() {}

    public var count: Int { items.count }
    public subscript(id: String) -> Step? { index[id].map { items[$0] } }

    public var runningCount: Int { items.reduce(0) { $0 + ($1.state == .running ? 1 : 0) } }
    public var failedCount: Int { items.reduce(0) { $0 + ($1.state == .failed ? 1 : 0) } }

    /// Inserts or updates a step. Returns the step as stored.
    @discardableResult
    public mutating func upsert(id: String, state: StepState, detail: String?, at time: Double) -> Step {
        if let i = index[id] {
            var s = items[i]
            if s.state != state {
                if state == .running { s.startedAt = time; s.endedAt = nil } else { s.endedAt = time }
                s.state = state
            }
            if let d = detail { s.detail = d }
            items[i] = s
            return s
        }
        let s = Step(id: id, state: state, startedAt: time, endedAt: state == .running ? nil : time, detail: detail)
        items.append(s)
        index[id] = items.count - 1
        if items.count > Self.limit { trim() }
        return s
    }

    /// Drops the oldest finished steps down to 90% of the limit; running ones are kept.
    private mutating func trim() {
        let target = Self.limit * 9 / 10
        var excess = items.count - target
        var kept: [Step] = []
        kept.reserveCapacity(target + 16)
        for s in items {
            if excess > 0 && s.state != .running { excess -= 1; dropped += 1; continue }
            kept.append(s)
        }
        items = kept
        reindex()
    }

    private mutating func reindex() {
        index.removeAll(keepingCapacity: true)
        for (i, s) in items.enumerated() { index[s.id] = i }
    }

    private enum CodingKeys: String, CodingKey { case items, dropped }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.decode([Step].self, forKey: .items)
        dropped = try c.decodeIfPresent(Int.self, forKey: .dropped) ?? 0
        reindex()
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(dropped, forKey: .dropped)
    }

    public static func == (a: StepList, b: StepList) -> Bool { a.items == b.items && a.dropped == b.dropped }
}
