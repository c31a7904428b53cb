/// A job's process tree as the sampler saw it: now, over time, and in total.
public struct BoardResources: Sendable, Equatable, Codable {
    /// CPU% (100% = one core) and resident bytes at the newest reading.
    public var cpuNow: Double?
    public var rssNow: Int?
    public var processes: Int?
    public var threads: Int?
    /// The job's cgroup memory limit, if any.
    public var memoryLimit: Int?
    public var cpuSeconds: Double
    /// The largest resident set seen (bytes); 0 when none was (see `peakRSSSeen`).
    public var peakRSS: Int
    /// The peak, or nil when no reading ever saw the tree's memory (a command that ended
    /// before the sampler's first look, with no peak of its own from its parent): a live
    /// process is never 0 bytes, so 0 means "not sampled", never a figure to show.
    public var peakRSSSeen: Int? { peakRSS > 0 ? peakRSS : nil }
    public var readBytes: Int
    public var writeBytes: Int
    /// Recent values, one a second, oldest first (what a graph can show); empty unless asked.
    public var cpu: [Double]
    public var rss: [Double]

    public init(cpuNow: Double? = nil, rssNow: Int? = nil, processes: Int? = nil, threads: Int? = nil, memoryLimit: Int? = nil, cpuSeconds: Double = 0,
                peakRSS: Int = 0, readBytes: Int = 0, writeBytes: Int = 0, cpu: [Double] = [], rss: [Double] = []) {
        self.cpuNow = cpuNow; self.rssNow = rssNow; self.processes = processes; self.threads = threads; self.memoryLimit = memoryLimit
        self.cpuSeconds = cpuSeconds; self.peakRSS = peakRSS; self.readBytes = readBytes; self.writeBytes = writeBytes
        self.cpu = cpu; self.rss = rss
    }
}
