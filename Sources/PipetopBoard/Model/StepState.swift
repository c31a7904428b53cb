/// The life of a sub-step inside a phase.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case running, done, failed
}
