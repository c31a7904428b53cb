import PipetopCore

/// The machine's CPU, memory and load, from three kept-open files.
final class HostReader {
    private let stat = ProcFile("/proc/stat", capacity: 16_384, multiPage: true)
    private let meminfo = ProcFile("/proc/meminfo", capacity: 8_192)
    private let loadavg = ProcFile("/proc/loadavg", capacity: 256)
    private var previous: [ProcParse.CPUTimes] = []

    /// nil on the first call (CPU% needs two readings) or where /proc is missing.
    func sample() -> HostSample? {
        guard let cpus = stat?.read({ ProcParse.stat($0) }), let mem = meminfo?.read({ ProcParse.meminfo($0) }) else { return nil }
        defer { previous = cpus }
        guard previous.count == cpus.count, !cpus.isEmpty else { return nil }
        func percent(_ i: Int) -> Double {
            let dt = Double(cpus[i].total &- previous[i].total)
            return dt > 0 ? min(100, Double(cpus[i].busy &- previous[i].busy) / dt * 100) : 0
        }
        let load = loadavg?.read { ProcParse.loadavg($0) } ?? (0, 0, 0)
        return HostSample(cpuPercent: percent(0), perCore: (1..<cpus.count).map(percent),
                          memTotal: mem.total, memAvailable: mem.available, swapTotal: mem.swapTotal, swapFree: mem.swapFree,
                          load1: load.0, load5: load.1, load15: load.2)
    }
}
