/// The life of a sub-step inside a phase.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case running, done, failed
    /// Stopped by its job's cancel: the engine's word (as for a phase), never a producer's.
    case canceled
    /// A state this viewer does not know (an engine newer than it): shown as such rather than
    /// losing the whole frame. Never an engine's or a producer's word.
    case unknown

    /// The states an engine gives (`unknown` is only a viewer's reading of a newer one).
    public static var allCases: [StepState] { [.running, .done, .failed, .canceled] }

    public init(from decoder: Decoder) throws {
        self = Self(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .unknown
    }
}
