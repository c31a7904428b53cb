/// The life of a sub-step inside a phase.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case running, done, failed
    /// Stopped by its job's cancel: the engine's word (as for a phase), never a producer's.
    case canceled
}
