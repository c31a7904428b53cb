/// A configured pipeline promise (`[[sla]]`) and how its recent runs kept it.
public struct BoardServiceLevel: Sendable, Equatable, Codable {
    public var pipeline: String
    /// In words: "finish by 06:00, within 2h, start every 24h".
    public var promise: String
    /// Of its last `BoardServiceLevel.runsCounted` runs that had a deadline: met and missed.
    public var met: Int
    public var missed: Int
    /// When its last run started (engine's clock), if any is known.
    public var lastStart: Double?

    public static let runsCounted = 30

    public init(pipeline: String, promise: String, met: Int, missed: Int, lastStart: Double? = nil) {
        self.pipeline = pipeline; self.promise = promise; self.met = met; self.missed = missed; self.lastStart = lastStart
    }

    /// Met as a share of runs with a deadline (nil before the first such run ended).
    public var compliance: Double? { met + missed > 0 ? Double(met) / Double(met + missed) : nil }
}
