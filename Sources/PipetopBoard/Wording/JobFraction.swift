/// How far along a job is, 0...1, from its phases: each phase weighs the same; done and
/// skipped count whole, a running or failed one by its own fraction (0 without a total). The
/// engine's `Job` and the Board's `BoardJob` both say it this way.
public enum JobFraction {
    public static func of(_ phases: some Collection<(state: PhaseState, fraction: Double?)>, completed: Bool) -> Double {
        guard !phases.isEmpty else { return completed ? 1 : 0 }
        var sum = 0.0
        for p in phases {
            switch p.state {
            case .done, .skipped: sum += 1
            case .failed, .running: sum += p.fraction ?? 0
            case .pending: break
            }
        }
        return min(1, sum / Double(phases.count))
    }
}
