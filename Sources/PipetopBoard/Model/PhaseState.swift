/// The life of a phase inside a job.
public enum PhaseState: String, Sendable, Codable, CaseIterable {
    case pending, running, done, failed, skipped

    public var isFinished: Bool { self == .done || self == .failed || self == .skipped }
}
