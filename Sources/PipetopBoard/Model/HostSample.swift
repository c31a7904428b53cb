/// The machine: CPU% (100% = all cores busy), per core, memory, swap, load.
public struct HostSample: Sendable, Codable, Equatable {
    public var cpuPercent: Double
    public var perCore: [Double]
    public var memTotal: Int
    public var memAvailable: Int
    public var swapTotal: Int
    public var swapFree: Int
    public var load1: Double, load5: Double, load15: Double
    public var memUsed: Int { max(0, memTotal - memAvailable) }
    public var memPercent: Double { memTotal > 0 ? Double(memUsed) / Double(memTotal) * 100 : 0 }

    public init(cpuPercent: Double, perCore: [Double], memTotal: Int, memAvailable: Int, swapTotal: Int, swapFree: Int,
                load1: Double, load5: Double, load15: Double) {
        self.cpuPercent = cpuPercent; self.perCore = perCore; self.memTotal = memTotal; self.memAvailable = memAvailable
        self.swapTotal = swapTotal; self.swapFree = swapFree; self.load1 = load1; self.load5 = load5; self.load15 = load15
    }
}
