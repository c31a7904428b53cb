import Foundation

/// pipetop's own peak resident set (VmHWM of /proc/self/status), in bytes. A command started
/// with posix_spawn (vfork: it runs in pipetop's memory until its exec) carries this figure
/// into its rusage: Linux keeps the larger of the old and the new memory's peak across exec,
/// so the command's `ru_maxrss` is never below it and, up to it, says nothing of the command.
enum OwnPeakMemory {
    static func read() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            return kib.map { $0 * 1024 }
        }
        return nil
    }

    /// The command's peak from its rusage, or nil when it is no more than what it inherited
    /// from pipetop (`inherited`, read just after the spawn): then it is pipetop's, and the
    /// job's peak comes from the sampler's readings of the command's tree alone.
    static func commandPeak(maxRSS: Int, inherited: Int?) -> Int? {
        guard let inherited else { return nil }
        return maxRSS > inherited ? maxRSS : nil
    }
}
