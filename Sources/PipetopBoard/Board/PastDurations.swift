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

    /// From the durations of the runs (nil for none), by `percentile`'s nearest rank.
    public init?(_ durations: [Double]) {
        guard let p50 = percentile(durations, 50), let p95 = percentile(durations, 95), let p99 = percentile(durations, 99) else { return nil }
        self.init(p50: p50, p95: p95, p99: p99, runs: durations.count)
    }
}
