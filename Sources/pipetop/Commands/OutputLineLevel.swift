import Foundation
import PipetopCore

/// The log level a line of the command's output says it has. Most tools write ordinary
/// progress to stderr (tqdm, Snakemake, rsync, compilers' notes), so a line is `info` unless
/// its words say otherwise:
/// - `error`: a line that starts with `Error`, `error`, `ERROR`, `Fatal`, `FATAL`, `fatal`,
///   `panic:` or `Traceback`, holds a word `ERROR`, `FATAL` or `CRITICAL` (a logger's level),
///   a word `error:` or `fatal:` ("gcc: error: ...", "rsync error: ..."), or a name ending in
///   `Error:` or `Exception:` ("ValueError: bad input"); the indented lines of a Python
///   traceback after its `Traceback` line are errors too.
/// - `warn`: the same for `Warning`/`WARNING`/`WARN`/`warning:` and names ending in
///   `Warning:` ("UserWarning: ...").
/// The same rule holds on stdout and stderr.
struct OutputLineLevel {
    /// Inside a Python traceback (after its first line, while lines are indented).
    private var inTraceback = false

    /// The level of the next line, in the order the command wrote them on one stream.
    mutating func level(of line: String) -> LogLevel {
        if inTraceback {
            if line.first == " " || line.first == "\t" { return .error }
            inTraceback = false
        }
        let level = Self.level(of: line)
        if line.hasPrefix("Traceback (most recent call last)") { inTraceback = true }
        return level
    }

    /// One line's level on its own (no traceback around it).
    static func level(of line: String) -> LogLevel {
        let text = line.drop { $0 == " " || $0 == "\t" }
        let words = text.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" || $0 == ".") }
        guard let first = words.first else { return .info }
        if says(first: first, words: words, prefixes: errorPrefixes, loud: errorWords, named: ["Error:", "Exception:"], plain: ["error:", "fatal:"])
            || text.hasPrefix("Traceback") || text.hasPrefix("panic:") {
            return .error
        }
        if says(first: first, words: words, prefixes: warnPrefixes, loud: warnWords, named: ["Warning:"], plain: ["warning:"]) {
            return .warn
        }
        return .info
    }

    private static let errorPrefixes = ["Error", "error", "ERROR", "Fatal", "fatal", "FATAL"]
    private static let errorWords: Set<Substring> = ["ERROR", "FATAL", "CRITICAL"]
    private static let warnPrefixes = ["Warning", "warning", "WARNING", "WARN"]
    private static let warnWords: Set<Substring> = ["WARNING", "WARN"]
    private static let edges = CharacterSet(charactersIn: ":.")

    /// The first word is one of `prefixes` (with a colon or not: "Error in rule qc:"), or a
    /// word is one of `loud` (a level a logger prints, "12:00:01 ERROR db: gone"), ends in one
    /// of `named` ("ValueError:"), or is one of `plain` ("gcc: error:").
    private static func says(first: Substring, words: [Substring], prefixes: [String], loud: Set<Substring>,
                             named: [String], plain: Set<Substring>) -> Bool {
        let head = first.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? first
        if prefixes.contains(where: { head == $0 }) { return true }
        for w in words {
            if loud.contains(Substring(w.trimmingCharacters(in: edges))) { return true }
            if plain.contains(w) { return true }
            if named.contains(where: { w.hasSuffix($0) && w.count > $0.count }) { return true }
        }
        return false
    }
}
