public enum MetricKind: String, Sendable, Codable, CaseIterable {
    case counter, gauge
}
