/// A job's own figure (`metric` event): its newest value per name and phase.
public struct MetricRecord: Sendable, Codable, Equatable {
    public var name: String
    public var phase: String?
    public var kind: MetricKind
    public var value: Double
    public var at: Double
    /// Its last values, oldest first, at most one a second (for a sparkline).
    public var recent: [Double]?
    public static let recentKept = 60

    /// A new value: replaces the newest of the last second, else is added to the recent ones.
    mutating func note(_ v: Double, kind k: MetricKind, at t: Double) {
        var r = recent ?? [value]
        if t - at < 1, !r.isEmpty { r[r.count - 1] = v } else { r.append(v) }
        if r.count > Self.recentKept { r.removeFirst(r.count - Self.recentKept) }
        recent = r
        value = v
        kind = k
        at = t
    }

    public init(name: String, phase: String?, kind: MetricKind, value: Double, at: Double) {
        self.name = name; self.phase = phase; self.kind = kind; self.value = value; self.at = at
    }
}
