/// How far along a job is, 0...1, from its phases: each phase weighs the same; done and
/// skipped count whole, a running or failed one by its own fraction (0 without a total). The
/// engine's `Job` and the Board's `BoardJob` both say it this way.
public enum JobFraction {
    /// One phase as the weighted form needs it.
    public struct Part: Sendable {
        public var state: PhaseState
        /// Its own fraction from its counts (nil without a total).
        public var fraction: Double?
        /// How long it took in past completed runs (p50), if it has run before.
        public var expected: Double?
        public var total: Int?
        /// Seconds it has run so far (for a phase with no counts but a past).
        public var elapsed: Double?
        public init(state: PhaseState, fraction: Double?, expected: Double?, total: Int?, elapsed: Double?) {
            self.state = state; self.fraction = fraction; self.expected = expected; self.total = total; self.elapsed = elapsed
        }
    }

    /// How far along, weighted by work: each phase by its expected time when every phase that
    /// runs has a past, else by its total when every one has a total, else evenly. A running
    /// phase without counts but with a past goes by its time (never past 99%); a job with no
    /// counts at all goes by its elapsed time against its past runs' p50 (`jobElapsed`, `jobExpected`).
    public static func weighted(_ parts: [Part], completed: Bool, jobElapsed: Double?, jobExpected: Double?) -> Double {
        if completed { return 1 }
        guard !parts.isEmpty else { return timeBased(jobElapsed, jobExpected) ?? 0 }
        let counted = parts.contains { $0.fraction != nil || $0.state == .done }
        if !counted, let t = timeBased(jobElapsed, jobExpected) { return t }
        let ran = parts.filter { $0.state != .skipped }
        let weights: [Double]
        if !ran.isEmpty && ran.allSatisfy({ ($0.expected ?? 0) > 0 }) {
            weights = parts.map { $0.state == .skipped ? 0 : $0.expected! }
        } else if parts.allSatisfy({ ($0.total ?? 0) > 0 }) {
            weights = parts.map { Double($0.total!) }
        } else {
            weights = parts.map { _ in 1 }
        }
        let all = weights.reduce(0, +)
        guard all > 0 else { return of(parts.map { ($0.state, $0.fraction) }, completed: false) }
        var sum = 0.0
        for (p, w) in zip(parts, weights) {
            switch p.state {
            case .done, .skipped: sum += w
            case .failed, .canceled, .running: sum += w * (p.fraction ?? timeBased(p.elapsed, p.expected) ?? 0)
            case .pending: break
            }
        }
        return min(1, sum / all)
    }

    /// Elapsed against expected, held below 100% (only the job says when it is done).
    static func timeBased(_ elapsed: Double?, _ expected: Double?) -> Double? {
        guard let e = elapsed, let x = expected, x > 0, e >= 0 else { return nil }
        return min(0.99, e / x)
    }

    public static func of(_ phases: some Collection<(state: PhaseState, fraction: Double?)>, completed: Bool) -> Double {
        guard !phases.isEmpty else { return completed ? 1 : 0 }
        var sum = 0.0
        for p in phases {
            switch p.state {
            case .done, .skipped: sum += 1
            case .failed, .canceled, .running: sum += p.fraction ?? 0
            case .pending: break
            }
        }
        return min(1, sum / Double(phases.count))
    }
}
