/// A job's process tree: CPU% as htop counts it (100% = one core), memory, I/O.
public struct TreeSample: Sendable, Codable, Equatable {
    public var cpuPercent: Double
    /// CPU seconds used by the tree during this tick.
    public var cpuSeconds: Double
    public var rss: Int
    public var processes: Int
    public var threads: Int
    /// Bytes read and written during this tick (from /proc/PID/io, when readable).
    public var readBytes: Int
    public var writeBytes: Int
    /// Seconds since the previous reading.
    public var interval: Double
    /// The memory limit of the job's cgroup (the lowest `memory.max` on its path), if any.
    public var memoryLimit: Int?

    public init(cpuPercent: Double, cpuSeconds: Double, rss: Int, processes: Int, threads: Int, readBytes: Int, writeBytes: Int, interval: Double) {
        self.cpuPercent = cpuPercent; self.cpuSeconds = cpuSeconds; self.rss = rss; self.processes = processes
        self.threads = threads; self.readBytes = readBytes; self.writeBytes = writeBytes; self.interval = interval
    }
}
