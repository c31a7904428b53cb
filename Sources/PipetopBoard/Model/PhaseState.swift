/// The life of a phase inside a job.
public enum PhaseState: String, Sendable, Codable, CaseIterable {
    /// `canceled`: it was running when its job was canceled (never sent by a job: a phase
    /// stopped on request did not fail).
    case pending, running, done, failed, skipped, canceled
    /// A state this viewer does not know (an engine newer than it): shown as such rather than
    /// losing the whole frame. Never an engine's or a producer's word.
    case unknown

    /// The states an engine gives (`unknown` is only a viewer's reading of a newer one).
    public static var allCases: [PhaseState] { [.pending, .running, .done, .failed, .skipped, .canceled] }

    public init(from decoder: Decoder) throws {
        self = Self(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .unknown
    }

    public var isFinished: Bool { self == .done || self == .failed || self == .skipped || self == .canceled }
}
