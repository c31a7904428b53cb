/// What the sampler read from /proc in one tick. Applied by the reducer like every other
/// change (`PipelineState.apply(_ reading:)`).
public struct SamplerReading: Sendable, Equatable {
    public var at: Double
    public var host: HostSample?
    /// Per job id: its process tree now.
    public var jobs: [String: TreeSample]
    /// Jobs whose watched process (`Job.pid`) is gone though they have not ended: lost once
    /// that has lasted `Job.lostGrace` (see `PipelineState.noteGone`).
    public var gone: Set<String>
    public init(at: Double, host: HostSample?, jobs: [String: TreeSample], gone: Set<String> = []) {
        self.at = at; self.host = host; self.jobs = jobs; self.gone = gone
    }
}

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

/// A job's resources over time, and its totals.
public struct JobResources: Sendable, Codable, Equatable {
    public var cpu = Timeline()
    public var rss = Timeline()
    public var last: TreeSample?
    public var cpuSeconds: Double = 0
    public var peakRSS: Int = 0
    public var readBytes: Int = 0
    public var writeBytes: Int = 0
    public init() {}
}

/// The host over time.
public struct HostResources: Sendable, Codable, Equatable {
    public var cpu = Timeline()
    public var mem = Timeline()
    public var last: HostSample?
    public var hostname: String?
    public init() {}
}

extension PipelineState {
    /// Applies one sampler tick: the host's figures and each sampled job's tree. Running
    /// phases are charged with the tree's CPU time and I/O, split evenly when several run.
    public mutating func apply(_ r: SamplerReading) {
        if let h = r.host {
            host.last = h
            host.cpu.append(h.cpuPercent, at: r.at)
            host.mem.append(h.memPercent, at: r.at)
        }
        noteGone(r.gone, at: r.at)
        for (id, sample) in r.jobs where jobs[id].map({ !$0.state.isTerminal }) ?? false {
            // In place (through the dictionary's accessor): a copy of the job would share the
            // timelines' buffers and make every append copy a whole timeline (40 KB a job).
            jobs[id]!.absorb(sample, at: r.at)
        }
    }
}

extension Job {
    /// One sample of the job's process tree: its timelines and totals, and the share of each
    /// running phase.
    mutating func absorb(_ sample: TreeSample, at t: Double) {
        if resources == nil { resources = JobResources() }
        resources!.last = sample
        resources!.cpu.append(sample.cpuPercent, at: t)
        resources!.rss.append(Double(sample.rss), at: t)
        resources!.cpuSeconds += sample.cpuSeconds
        resources!.peakRSS = max(resources!.peakRSS, sample.rss)
        resources!.readBytes += sample.readBytes
        resources!.writeBytes += sample.writeBytes
        var running = 0
        for p in phases where p.state == .running { running += 1 }
        let share = running == 0 ? 0 : 1 / Double(running)
        for i in phases.indices where phases[i].state == .running {
            var u = phases[i].usage ?? PhaseUsage()
            u.cpuSeconds += sample.cpuSeconds * share
            u.sampledSeconds += sample.interval
            u.peakCPU = max(u.peakCPU, sample.cpuPercent)
            u.peakRSS = max(u.peakRSS, sample.rss)
            u.readBytes += Int(Double(sample.readBytes) * share)
            u.writeBytes += Int(Double(sample.writeBytes) * share)
            phases[i].usage = u
        }
    }
}
