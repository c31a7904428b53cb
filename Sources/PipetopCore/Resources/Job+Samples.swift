extension Job {
    /// One sample of the job's process tree: its timelines and totals, and the share of each
    /// running phase.
    mutating func absorb(_ sample: TreeSample, at t: Double) {
        if resources == nil { resources = JobResources() }
        let previous = resources!.cpu.lastAt
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
            // A first reading (no interval) brings the CPU used since the tree started: the
            // time it covers is the phase's so far (since the last reading), else the average
            // is CPU over a shorter time than it was used in (108% for one busy thread).
            let covered = sample.interval > 0 ? sample.interval : Self.span(of: phases[i], since: previous, to: t)
            u.sampledSeconds += covered
            u.peakCPU = max(u.peakCPU, sample.interval > 0 ? sample.cpuPercent : Self.rate(sample.cpuSeconds, over: covered))
            u.peakRSS = max(u.peakRSS, sample.rss)
            u.readBytes += Int(Double(sample.readBytes) * share)
            u.writeBytes += Int(Double(sample.writeBytes) * share)
            Self.raisePeakToAverage(&u)
            phases[i].usage = u
        }
    }

    /// A reading over less than `minimumRateSpan` (the first one just after the phase began,
    /// the end's totals just after the last reading) is no rate, so it is in no peak, yet its
    /// CPU is in the average: an idle command's start-up read "avg 83%, peak 0%". The phase's
    /// whole sampled time is a window too, holding that CPU, so its rate (the average) is
    /// a reading the peak counts: the average is never above the peak.
    static func raisePeakToAverage(_ u: inout PhaseUsage) {
        if let avg = u.averageCPU, avg > u.peakCPU { u.peakCPU = avg }
    }

    /// The time a phase ran from its start, or from the last reading when later, to `t`.
    static func span(of phase: Phase, since lastReading: Double?, to t: Double) -> Double {
        let from = max(phase.startedAt ?? t, lastReading ?? -.infinity)
        return max(0, t - from)
    }

    /// CPU% of `cpuSeconds` used over `seconds`, or 0 over too short a time to say (a clock
    /// tick over a few milliseconds would read as hundreds of percent).
    static func rate(_ cpuSeconds: Double, over seconds: Double) -> Double {
        seconds >= minimumRateSpan ? cpuSeconds / seconds * 100 : 0
    }
    static let minimumRateSpan = 0.25
}
