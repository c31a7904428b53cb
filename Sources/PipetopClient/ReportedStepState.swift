import PipetopCore

/// What a producer may say of a step: running, done or failed. `canceled` is the engine's word
/// for the steps a job's cancel stopped (a `step` event saying it is refused), so it is not
/// offered here.
public enum ReportedStepState: String, Sendable, CaseIterable {
    case running, done, failed

    /// The state the engine records.
    public var state: StepState {
        switch self {
        case .running: .running
        case .done: .done
        case .failed: .failed
        }
    }
}
