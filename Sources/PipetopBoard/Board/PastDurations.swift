/// How long a phase (or job) took in the pipeline's earlier completed runs.
public struct PastDurations: Sendable, Equatable, Codable {
    public var p50: Double
    public var p95: Double
    public var p99: Double
    /// Runs these come from.
    public var runs: Int

    public init(p50: Double, p95: Double, p99: Double, runs: Int) {
        self.p50 = p50; self.p95 = p95; self.p99 = p99; self.runs = runs
    }

    /// From the durations of the runs (nil for none). Nearest rank, as `percentile` says.
    public init?(_ durations: [Double]) {
        guard !durations.isEmpty else { return nil }
        let s = durations.sorted()
        func rank(_ p: Double) -> Double { s[max(0, min(s.count - 1, Int((p / 100 * Double(s.count)).rounded(.up)) - 1))] }
        self.init(p50: rank(50), p95: rank(95), p99: rank(99), runs: s.count)
    }
}
