/// How far along a job is, 0...1, from its phases: work done, so a failed job never looks
/// finished. A done phase counts whole, a running, failed or canceled one by its own fraction
/// (`phase`: failed items are not progress); a skipped phase had no work to do, so it weighs
/// nothing (neither done work nor work left). The engine's `Job` and the Board's `BoardJob`
/// both say it this way.
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
        } else if !ran.isEmpty && ran.allSatisfy({ ($0.total ?? 0) > 0 }) {
            weights = parts.map { $0.state == .skipped ? 0 : Double($0.total!) }
        } else {
            weights = parts.map { $0.state == .skipped ? 0 : 1 }
        }
        let all = weights.reduce(0, +)
        guard all > 0 else { return 0 }
        var sum = 0.0
        for (p, w) in zip(parts, weights) {
            switch p.state {
            case .done: sum += w
            case .failed, .canceled, .running: sum += w * (p.fraction ?? timeBased(p.elapsed, p.expected) ?? 0)
            case .pending, .skipped, .unknown: break
            }
        }
        return min(1, sum / all)
    }

    /// Elapsed against expected, held below 100% (only the job says when it is done).
    static func timeBased(_ elapsed: Double?, _ expected: Double?) -> Double? {
        guard let e = elapsed, let x = expected, x > 0, e >= 0 else { return nil }
        return min(0.99, e / x)
    }

    /// Each phase weighs the same (skipped ones nothing), as `weighted` does without pasts or totals.
    public static func of(_ phases: some Collection<(state: PhaseState, fraction: Double?)>, completed: Bool) -> Double {
        if completed { return 1 }
        var sum = 0.0, count = 0
        for p in phases {
            switch p.state {
            case .done: sum += 1
            case .failed, .canceled, .running: sum += p.fraction ?? 0
            case .pending, .unknown: break
            case .skipped: continue
            }
            count += 1
        }
        return count == 0 ? 0 : min(1, sum / Double(count))
    }

    /// Items that count as progress in a phase: done ones, and skipped ones (work found done
    /// already, such as a resumed run's earlier work), whatever state the phase is in. Failed
    /// items are not progress. Readers leave items that never ran out of both (work left).
    public static func progressed(done: Int, skipped: Int) -> Int {
        done &+ skipped
    }

    /// A phase's own fraction of work done, 0...1, against the total shown: nil without a
    /// total (1 once done), and nil for a skipped phase (it had no work to do).
    public static func phase(state: PhaseState, done: Int, skipped: Int, total: Int?) -> Double? {
        if state == .skipped { return nil }
        guard let t = total else { return state == .done ? 1 : nil }
        if t == 0 { return state == .done ? 1 : 0 }
        return min(1, Double(progressed(done: done, skipped: skipped)) / Double(t))
    }
}
