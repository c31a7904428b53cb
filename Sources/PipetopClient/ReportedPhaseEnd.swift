import PipetopCore

/// How a producer may end a phase: done, failed or skipped. `canceled` is the engine's word for
/// the phases a job's cancel stopped (a `phase.end` saying it is refused), so it is not offered.
public enum ReportedPhaseEnd: String, Sendable, CaseIterable {
    case done, failed, skipped

    /// The state the engine records.
    public var state: PhaseState {
        switch self {
        case .done: .done
        case .failed: .failed
        case .skipped: .skipped
        }
    }
}
