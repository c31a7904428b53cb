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
