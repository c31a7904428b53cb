import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory Nextflow was launched in, as the follower sees it: its `.nextflow.log` (the
/// run going, or the last one) and the Nextflow process running in it.
struct NextflowLaunchDirectory {
    /// The directory, absolute, symbolic links resolved.
    let path: String

    init(_ dir: String) throws {
        path = try ResolvedDirectory.path(dir, command: "follow nextflow")
    }

    /// Nextflow writes the newest run's log here (the older ones become .nextflow.log.1, .2...).
    var log: String { path + "/.nextflow.log" }

    /// The log's inode (a new run rolls the log: a new file).
    func logInode() -> UInt? {
        var st = stat()
        return stat(log, &st) == 0 ? UInt(st.st_ino) : nil
    }

    /// The log says the run is over: its last lines hold "> Execution complete -- Goodbye".
    func logHasEnded() -> Bool {
        guard let h = FileHandle(forReadingAtPath: log) else { return false }
        defer { try? h.close() }
        let size = (try? h.seekToEnd()) ?? 0
        try? h.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try? h.readToEnd()) ?? Data(), as: UTF8.self)
        return tail.contains("> Execution complete -- Goodbye")
    }

    /// The Nextflow process (a java running nextflow's launcher) whose working directory is
    /// this one; its parent shell script (the `nextflow` launcher) is not it.
    func nextflowPid() -> Int32? {
        let me = getpid()
        var found: [Int32] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != me,
                  (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd")) == path,
                  let cmd = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let args = cmd.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if args.contains(where: { $0.hasPrefix("nextflow.cli.Launcher") || $0 == "nextflow.cli.Launcher" }) { found.append(pid) }
        }
        return found.min()
    }
}
