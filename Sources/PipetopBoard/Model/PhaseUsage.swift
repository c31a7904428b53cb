/// What one phase used, as Nextflow's trace reports per task.
public struct PhaseUsage: Sendable, Codable, Equatable {
    public var cpuSeconds: Double = 0
    /// Seconds the phase was sampled while running (the wall time the CPU figures cover).
    public var sampledSeconds: Double = 0
    public var peakCPU: Double = 0
    public var peakRSS: Int = 0
    /// The peak, or nil when it was never sampled (as `BoardResources.peakRSSSeen`).
    public var peakRSSSeen: Int? { peakRSS > 0 ? peakRSS : nil }
    public var readBytes: Int = 0
    public var writeBytes: Int = 0
    public init() {}

    /// Average CPU% over the sampled wall time (100% = one core).
    public var averageCPU: Double? { sampledSeconds > 0 ? cpuSeconds / sampledSeconds * 100 : nil }
}
