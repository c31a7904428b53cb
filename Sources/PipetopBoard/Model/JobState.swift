/// The life of a job. Transitions are enforced by the reducer; `docs/PROTOCOL.md` lists them.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case pending, running, pausing, paused, completing, completed, canceling, canceled, failed
    /// A state this viewer does not know (an engine newer than it): shown as such rather than
    /// losing the whole frame. Never an engine's or a producer's word; it moves nowhere.
    case unknown

    /// The states an engine gives (`unknown` is only a viewer's reading of a newer one).
    public static var allCases: [JobState] { [.pending, .running, .pausing, .paused, .completing, .completed, .canceling, .canceled, .failed] }

    public init(from decoder: Decoder) throws {
        self = Self(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .unknown
    }

    /// States a job may move to from this one. Moving to the state it is already in is
    /// always accepted as a no-op and is not listed here.
    public var successors: Set<JobState> {
        switch self {
        case .pending: return [.running, .canceling, .canceled, .failed]
        case .running: return [.pausing, .paused, .completing, .completed, .canceling, .canceled, .failed]
        case .pausing: return [.paused, .running, .canceling, .canceled, .failed]
        case .paused: return [.running, .canceling, .canceled, .failed]
        case .completing: return [.completed, .failed]
        case .canceling: return [.canceled, .failed]
        case .completed, .canceled, .failed, .unknown: return []
        }
    }

    public func canMove(to next: JobState) -> Bool { next == self || successors.contains(next) }

    public var isTerminal: Bool { self == .completed || self == .canceled || self == .failed }
    /// Work is being done (or wound down) and time counts towards rates.
    public var isActive: Bool { self == .running || self == .pausing || self == .completing || self == .canceling }
}
