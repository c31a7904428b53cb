/// A job's own figure (`metric` event): its newest value per name and phase.
public struct MetricRecord: Sendable, Codable, Equatable {
    public var name: String
    public var phase: String?
    public var kind: MetricKind
    public var value: Double
    public var at: Double

    public init(name: String, phase: String?, kind: MetricKind, value: Double, at: Double) {
        self.name = name; self.phase = phase; self.kind = kind; self.value = value; self.at = at
    }
}
