/// The engine's memory of one job, beside the job: the estimate as shown (with what
/// calibrates later runs), its items and errors over time (for error-rate rules), and per
/// phase its rate window and progress curve.
public struct JobEstimates: Sendable, Codable, Equatable {
    public var eta: ETATrack?
    public var errorTrail: ErrorTrail?
    /// One entry per phase that counted, by id; usually in the job's phase order, so the phase
    /// at index i of the job is found at i without a search (this runs on every progress event).
    public private(set) var phases: [PhaseEstimates] = []

    public init() {}

    /// The memory of the phase `id` (nil for a phase that never counted).
    public func phase(_ id: String) -> PhaseEstimates? { phases.first { $0.id == id } }

    /// A phase's rate window (an empty one for a phase that never counted).
    public func rate(_ phase: String) -> RateWindow { self.phase(phase)?.rate ?? RateWindow() }

    /// The position of the phase `id`'s memory, made when there is none. `hint`: the phase's
    /// index in its job, where it usually is.
    mutating func slot(_ id: String, hint: Int? = nil) -> Int {
        if let h = hint, h < phases.count, phases[h].id == id { return h }
        if let i = phases.firstIndex(where: { $0.id == id }) { return i }
        phases.append(PhaseEstimates(id: id))
        return phases.count - 1
    }

    /// Changes the memory of the phase `id` (made when there is none).
    mutating func update<R>(_ id: String, hint: Int? = nil, _ body: (inout PhaseEstimates) -> R) -> R {
        body(&phases[slot(id, hint: hint)])
    }

    /// Notes the counts of the phase `id` after a progress event (see `PhaseEstimates.counted`).
    /// Only its figures are passed: a copy of the phase, steps and all, cost more than the
    /// rest of the event.
    mutating func counted(_ id: String, hint: Int?, worked: Int, total: Int?, fraction: Double?, since start: Double?, activeTime a: Double) {
        phases[slot(id, hint: hint)].counted(worked: worked, total: total, fraction: fraction, since: start, activeTime: a)
    }

    /// Forgets a phase that is gone from its job.
    mutating func forget(_ id: String) { phases.removeAll { $0.id == id } }

    /// A retried phase starts afresh (in its place).
    mutating func reset(_ id: String) {
        if let i = phases.firstIndex(where: { $0.id == id }) { phases[i] = PhaseEstimates(id: id) }
    }

    /// A running phase's current rate (items per second), on the job's active clock.
    public func rate(of p: Phase, in job: Job, now: Double) -> Double? {
        p.state == .running ? rate(p.id).rate(now: job.activeTime(now)) : nil
    }

    /// A phase's throughput over its run so far (or its whole run, once ended) in `buckets`
    /// equal slices, items per second each: what its sparkline shows.
    public func throughput(of p: Phase, in job: Job, buckets: Int, now: Double) -> [Double] {
        let w = rate(p.id)
        guard p.state != .pending, let first = w.first, let last = w.last else { return [] }
        let end = p.state == .running ? job.activeTime(now) : last.t + w.offset
        return w.history(now: end, span: max(1, end - w.offset - first.t), buckets: buckets)
    }
}
