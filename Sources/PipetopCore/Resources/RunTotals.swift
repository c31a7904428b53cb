/// What a job's process used in all, as its parent learns it when the process ends
/// (`pipetop run`: the child's rusage from wait4 and its /proc/PID/io read before the reap).
/// The sampler misses the time before its first look and after its last one; these figures
/// do not, so at `job.end` the job's totals become at least these.
public struct RunTotals: Sendable, Codable, Equatable {
    /// User plus system CPU seconds of the process and the descendants it waited for.
    public var cpuSeconds: Double?
    /// The largest resident set of the process or one of those descendants (bytes).
    public var maxRSS: Int?
    /// Bytes read from and written to storage (`read_bytes`, `write_bytes` of /proc/PID/io).
    public var readBytes: Int?
    public var writeBytes: Int?

    public init(cpuSeconds: Double? = nil, maxRSS: Int? = nil, readBytes: Int? = nil, writeBytes: Int? = nil) {
        self.cpuSeconds = cpuSeconds; self.maxRSS = maxRSS; self.readBytes = readBytes; self.writeBytes = writeBytes
    }
}

extension Job {
    /// Raises the job's totals to `totals` where the sampler saw less. What the sampler
    /// missed is charged to the phases still running (split evenly), so the phases' figures
    /// add up to the job's as they do for samples. Called before the job's phases close, at
    /// `t`, the job's end: the missed CPU was used since the last reading (or the phase's
    /// start), so that time joins what the phases' averages are over, and its rate is a reading.
    mutating func settle(_ totals: RunTotals, at t: Double) {
        var r = resources ?? JobResources()
        let lastReading = r.cpu.lastAt
        let missedCPU = max(0, (totals.cpuSeconds ?? 0) - r.cpuSeconds)
        let missedRead = max(0, (totals.readBytes ?? 0) - r.readBytes)
        let missedWrite = max(0, (totals.writeBytes ?? 0) - r.writeBytes)
        r.cpuSeconds += missedCPU
        r.readBytes += missedRead
        r.writeBytes += missedWrite
        r.peakRSS = max(r.peakRSS, totals.maxRSS ?? 0)
        resources = r
        var running = 0
        for p in phases where p.state == .running { running += 1 }
        guard running > 0 else { return }
        let share = 1 / Double(running)
        for i in phases.indices where phases[i].state == .running {
            var u = phases[i].usage ?? PhaseUsage()
            u.cpuSeconds += missedCPU * share
            let covered = Self.span(of: phases[i], since: lastReading, to: t)
            u.sampledSeconds += covered
            u.peakCPU = max(u.peakCPU, Self.rate(missedCPU, over: covered))
            u.readBytes += Int(Double(missedRead) * share)
            u.writeBytes += Int(Double(missedWrite) * share)
            u.peakRSS = max(u.peakRSS, totals.maxRSS ?? 0)
            Self.raisePeakToAverage(&u)
            phases[i].usage = u
        }
    }
}
