import Foundation

/// What a process has cost so far, from /proc: CPU time over all its threads, how often its
/// threads went to sleep (each voluntary switch is a wakeup later) and how often they were
/// preempted (involuntary: on a busy machine that measures the neighbours, not us).
struct ProcCost {
    var cpuSeconds: Double
    var sleeps: Int
    var preempted: Int
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
        var sleeps = 0, preempted = 0
        for task in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [] {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { continue }
            for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
                let n = Int(line.split(separator: "\t").last.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
                if line.hasPrefix("voluntary") { sleeps += n } else { preempted += n }
            }
        }
        return ProcCost(cpuSeconds: (u + s) / ticks, sleeps: sleeps, preempted: preempted, at: monotonic())
    }

    /// CPU% (100 = one core), wakeups and preemptions per second between two readings.
    static func rate(_ a: ProcCost, _ b: ProcCost) -> (cpu: Double, wakeups: Double, preempted: Double) {
        let dt = max(1e-6, b.at - a.at)
        return ((b.cpuSeconds - a.cpuSeconds) / dt * 100, Double(b.sleeps - a.sleeps) / dt, Double(b.preempted - a.preempted) / dt)
    }
}
