/// One line a job logged.
public struct LogLine: Sendable, Codable, Equatable {
    public var at: Double
    public var level: LogLevel
    public var message: String
    public var phase: String?
    public var category: String?

    public init(at: Double, level: LogLevel, message: String, phase: String?, category: String?) {
        self.at = at; self.level = level; self.message = message; self.phase = phase; self.category = category
    }
}
