/// A job's own figure (`metric` event: tokens, cost, queue depth, quality) as viewers show it:
/// its newest value, and its recent values for a sparkline when the viewer looks at the job.
public struct BoardMetric: Sendable, Equatable, Codable {
    public var name: String
    public var phase: String?
    public var kind: MetricKind
    public var value: Double
    /// When it was last reported (the job's clock).
    public var at: Double
    /// Its last values, oldest first, at most one a second (the focused job only).
    public var recent: [Double]?

    public init(name: String, phase: String? = nil, kind: MetricKind = .gauge, value: Double, at: Double, recent: [Double]? = nil) {
        self.name = name; self.phase = phase; self.kind = kind; self.value = value; self.at = at; self.recent = recent
    }

    /// The value as a person reads it: whole numbers plainly ("17", "12.3k"), others with three
    /// significant digits ("4.20", "0.873").
    public var shown: String {
        if value == value.rounded() && abs(value) < 1e15 { return Format.count(Int(value)) }
        return String(format: abs(value) >= 100 ? "%.0f" : abs(value) >= 10 ? "%.1f" : abs(value) >= 1 ? "%.2f" : "%.3g", value)
    }
}
