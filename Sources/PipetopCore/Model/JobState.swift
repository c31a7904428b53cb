/// The life of a job. Transitions are enforced by the reducer; `docs/PROTOCOL.md` lists them.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case pending, running, pausing, paused, completing, completed, canceling, canceled, failed

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
        case .completed, .canceled, .failed: return []
        }
    }

    public func canMove(to next: JobState) -> Bool { next == self || successors.contains(next) }

    public var isTerminal: Bool { self == .completed || self == .canceled || self == .failed }
    /// Work is being done (or wound down) and time counts towards rates.
    public var isActive: Bool { self == .running || self == .pausing || self == .completing || self == .canceling }
}

/// The life of a phase inside a job.
public enum PhaseState: String, Sendable, Codable, CaseIterable {
    case pending, running, done, failed, skipped

    public var isFinished: Bool { self == .done || self == .failed || self == .skipped }
}

/// The life of a sub-step inside a phase.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case running, done, failed
}

public enum LogLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case debug, info, warn, error

    /// Accepts the spellings people use in other loggers.
    public init?(wire: String) {
        switch wire.lowercased() {
        case "debug", "trace": self = .debug
        case "info", "notice": self = .info
        case "warn", "warning": self = .warn
        case "error", "err", "critical", "fatal": self = .error
        default: return nil
        }
    }

    private var rank: Int { LogLevel.allCases.firstIndex(of: self)! }
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rank < b.rank }
}

public enum MetricKind: String, Sendable, Codable, CaseIterable {
    case counter, gauge
}
