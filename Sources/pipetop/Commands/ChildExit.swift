import Foundation
import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

/// How the command ended and what it used in all: its wait status, its rusage (CPU of it and
/// the descendants it waited for, their largest resident set) and its /proc/PID/io, read
/// after it exited but before it is reaped (the file goes with the reap).
struct ChildExit {
    var status: Int32
    var totals: RunTotals

    /// Waits for `pid` to end (through interruptions). `inheritedRSS` is pipetop's own peak
    /// when it started the command (see `OwnPeakMemory`): a rusage peak not above it is not
    /// the command's, and is left out.
    static func wait(for pid: pid_t, inheritedRSS: Int?) -> ChildExit {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        let io = (try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)).flatMap(Self.io)
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return ChildExit(status: status, totals: RunTotals(cpuSeconds: cpu, maxRSS: OwnPeakMemory.commandPeak(maxRSS: Int(usage.ru_maxrss) * 1024, inherited: inheritedRSS),
                                                           readBytes: io.map(\.read), writeBytes: io.map(\.write)))
    }

    /// `read_bytes` and `write_bytes` of a /proc/PID/io text.
    static func io(_ text: String) -> (read: Int, write: Int)? {
        var read: Int?, write: Int?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("read_bytes:") { read = Int(line.dropFirst(11).trimmingCharacters(in: .whitespaces)) }
            if line.hasPrefix("write_bytes:") { write = Int(line.dropFirst(12).trimmingCharacters(in: .whitespaces)) }
        }
        guard let read, let write else { return nil }
        return (read, write)
    }
}
