import Foundation

/// What a process has cost so far, from /proc: CPU time over all its threads and how often
/// its threads were switched out (each switch out is a wakeup later).
struct ProcCost {
    var cpuSeconds: Double
    var switches: Int
    var at: Double

    static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// nil once the process is gone.
    static func read(_ pid: pid_t) -> ProcCost? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the name: state(0) ... utime(11) stime(12); children's times are not ours.
        let f = stat[stat.index(after: close)...].split(separator: " ")
        guard f.count > 12, let u = Double(f[11]), let s = Double(f[12]) else { return nil }
        // /proc/PID/status counts the main thread only: add up every thread's.
        var switches = 0
        for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [] {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { continue }
            for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
                switches += Int(line.split(separator: "\t").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
            }
        }
        return ProcCost(cpuSeconds: (u + s) / ticks, switches: switches, at: monotonic())
    }

    /// CPU% (100 = one core) and wakeups per second between two readings.
    static func rate(_ a: ProcCost, _ b: ProcCost) -> (cpu: Double, wakeups: Double) {
        let dt = max(1e-6, b.at - a.at)
        return ((b.cpuSeconds - a.cpuSeconds) / dt * 100, Double(b.switches - a.switches) / dt)
    }
}
