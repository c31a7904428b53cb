/// The life of a phase inside a job.
public enum PhaseState: String, Sendable, Codable, CaseIterable {
    /// `canceled`: it was running when its job was canceled (never sent by a job: a phase
    /// stopped on request did not fail).
    case pending, running, done, failed, skipped, canceled

    public var isFinished: Bool { self == .done || self == .failed || self == .skipped || self == .canceled }
}
