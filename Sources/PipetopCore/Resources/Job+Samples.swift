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
