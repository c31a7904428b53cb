import Foundation

/// What the command line itself tells about the output to expect, for the formats that a
/// line alone cannot tell: pv's `-n` (bare numbers), parallel's `--joblog FILE`, and whether
/// make runs one recipe at a time. The words of `sh -c '...'` scripts are looked at too.
struct CommandHints: Equatable, Sendable {
    var pv: PvNumeric.Mode?
    /// The joblog parallel writes, and whether it appends to it (`--joblog +FILE`, `--resume`).
    var joblog: (path: String, appends: Bool)?
    /// make without -j: a target's recipe ends when the next one starts.
    var makeSerial = true

    static func == (a: Self, b: Self) -> Bool {
        a.pv == b.pv && a.joblog?.path == b.joblog?.path && a.joblog?.appends == b.joblog?.appends && a.makeSerial == b.makeSerial
    }

    init(argv: [String], env: [String: String] = [:], directory: String = FileManager.default.currentDirectoryPath) {
        // A script given to a shell is split into words too (quotes are not undone: enough
        // to find the flags, and file names with spaces are the exception).
        let words = argv.flatMap { $0.contains(" ") ? $0.split(whereSeparator: \.isWhitespace).map(String.init) : [$0] }
        func base(_ w: String) -> String { (w as NSString).lastPathComponent }
        if let i = words.firstIndex(where: { base($0) == "pv" }) {
            let flags = words[(i + 1)...].prefix { $0 != "|" && $0 != ";" && $0 != "&&" }
            let short = flags.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }.joined()
            if short.contains("n") || flags.contains("--numeric") {
                pv = short.contains("b") || flags.contains("--bytes") ? .bytes : .percent
            }
        }
        if let i = words.firstIndex(where: { base($0) == "parallel" }) {
            let rest = Array(words[(i + 1)...])
            var path: String?
            for (k, w) in rest.enumerated() {
                if w == "--joblog" || w == "--jl", k + 1 < rest.count { path = rest[k + 1]; break }
                if w.hasPrefix("--joblog=") { path = String(w.dropFirst("--joblog=".count)); break }
            }
            if var p = path, p != "-" {
                let appends = p.hasPrefix("+") || rest.contains("--resume") || rest.contains("--resume-failed")
                if p.hasPrefix("+") { p.removeFirst() }
                p = p.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
                if !p.hasPrefix("/") { p = directory + "/" + p }
                joblog = (p, appends)
            }
        }
        let makeFlags = env["MAKEFLAGS"] ?? ""
        let jobs = words.contains { $0 == "--jobs" || $0.hasPrefix("--jobs=") || ($0.hasPrefix("-j") && !$0.hasPrefix("--")) }
        makeSerial = !jobs && !makeFlags.split(separator: " ").contains { $0.hasPrefix("-j") || $0.hasPrefix("--jobs") || $0 == "j" }
    }
}
