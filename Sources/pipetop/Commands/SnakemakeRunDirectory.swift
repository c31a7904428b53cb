import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Snakemake working directory as the follower sees it: its logs under `.snakemake/log`,
/// the Snakemake process running in it, its rules' log files.
struct SnakemakeRunDirectory {
    /// The directory, absolute, symbolic links resolved (as Snakemake's own `os.getcwd()`).
    let path: String

    init(_ dir: String) throws {
        path = try ResolvedDirectory.path(dir, command: "follow snakemake")
    }

    var logDirectory: String { path + "/.snakemake/log" }

    /// The run logs, oldest first (their names are the runs' start times).
    func logs() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logDirectory)) ?? []
        return names.filter { $0.hasSuffix(".snakemake.log") }.sorted().map { logDirectory + "/" + $0 }
    }

    /// The job id the logger plugin uses for a run in this directory.
    var jobID: String {
        let id = "snakemake:" + path
        return id.utf8.count <= 256 ? id : "snakemake:…" + String(path.suffix(200))
    }

    /// The log says the run is over: its last lines hold "Complete log" or "Nothing to be done".
    static func hasEnded(_ log: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: log) else { return false }
        let tail = String(decoding: data.suffix(4096), as: UTF8.self)
        return tail.contains("\nComplete log") || tail.contains("Nothing to be done")
    }

    /// When the run started, from the log's name ("2026-12-02T012011.140063.snakemake.log",
    /// local time).
    static func startTime(of log: String) -> Double? {
        let name = (log as NSString).lastPathComponent
        guard let stem = name.components(separatedBy: ".snakemake.log").first else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd'T'HHmmss.SSSSSS"
        if let d = f.date(from: stem) { return d.timeIntervalSince1970 }
        f.dateFormat = "yyyy-MM-dd'T'HHmmss"
        return f.date(from: stem)?.timeIntervalSince1970
    }

    /// The Snakemake process working here: a process whose working directory this is and
    /// whose command names snakemake, and whose parent is not one too (rule jobs may match).
    func snakemakePid() -> Int32? {
        let me = getpid()
        var found: [Int32: Int32] = [:]  // pid -> parent
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != me,
                  (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd")) == path,
                  let cmd = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  cmd.split(separator: 0).prefix(3).contains(where: { String(decoding: $0, as: UTF8.self).hasSuffix("snakemake") }),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            found[pid] = fields.count > 1 ? Int32(fields[1]) ?? 0 : 0
        }
        return found.filter { found[$0.value] == nil }.keys.min()
    }

    /// The last lines of a rule's log file (a path relative to this directory, or absolute).
    func lastLines(of log: String, count: Int = 10) -> [String] {
        let full = log.hasPrefix("/") ? log : path + "/" + log
        guard let h = FileHandle(forReadingAtPath: full) else { return [] }
        defer { try? h.close() }
        let size = (try? h.seekToEnd()) ?? 0
        try? h.seek(toOffset: size > 8192 ? size - 8192 : 0)
        let data = (try? h.readToEnd()) ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map { String($0.reversed().drop(while: \.isWhitespace).reversed()) }.filter { !$0.isEmpty }
        if size > 8192, !lines.isEmpty { lines.removeFirst() }  // probably cut
        return Array(lines.suffix(count))
    }
}
