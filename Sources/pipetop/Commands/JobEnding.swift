import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

/// How a `pipetop run` job ends, from the command's wait status: completed on 0, failed with
/// the status (and the last error lines of its output) otherwise, canceled when SIGINT or
/// SIGTERM ended it, or when it exited 130 or 143 (a script that caught the signal, cleaned up
/// and exited as a shell would) after the person sent pipetop a SIGINT or SIGTERM (`userStop`);
/// an exit 130 nobody asked for stays a failure. And pipetop's own exit status, the command's
/// as a shell gives it.
struct JobEnding {
    var exitCode: Int32
    var end: Event.JobEnd

    /// Lines of the output quoted in a failure reason, and their most characters in all.
    static let quotedLines = 2
    static let quotedCharacters = 300

    init(status: Int32, lastErrorLines: [String], totals: RunTotals?, userStop: Int32? = nil) {
        let reason: String?
        let state: JobState
        if (status & 0x7f) == 0 {
            exitCode = (status >> 8) & 0xff
            if let sig = userStop, exitCode == 128 + SIGINT || exitCode == 128 + SIGTERM {
                end = Event.JobEnd(status: .canceled, error: "exit status \(exitCode) after the \(sig == SIGINT ? "SIGINT" : "SIGTERM") sent to pipetop run (Ctrl-C or kill): stopped on request", totals: totals)
                return
            }
            state = exitCode == 0 ? .completed : .failed
            reason = exitCode == 0 ? nil : "exit status \(exitCode)"
        } else {
            let sig = status & 0x7f
            exitCode = 128 + sig
            state = sig == SIGINT || sig == SIGTERM ? .canceled : .failed
            reason = "killed by signal \(sig) (\(String(cString: strsignal(sig))))"
        }
        end = Event.JobEnd(status: state, error: reason.map { Self.quoting(lastErrorLines, after: $0) }, totals: totals)
    }

    /// `why`, then the command's last error line, then the one before it: "exit status 1:
    /// ValueError: bad input (after: raise ValueError(x))". The last line leads because it is
    /// the one that says what went wrong (an exception, make's target) and a narrow screen
    /// shows only the start; the one before gives its context.
    static func quoting(_ raw: [String], after why: String) -> String {
        // Lines that only point at something (Python's "    ^^^^^", a compiler's "   ~~~^")
        // say nothing on their own: the line before them does.
        let lines = raw.filter { line in line.contains { $0.isLetter || $0.isNumber } }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = lines.last else { return why }
        var text = why + ": " + last
        if lines.count > 1 { text += " (after: " + lines.dropLast().suffix(quotedLines - 1).joined(separator: " | ") + ")" }
        return text.count > quotedCharacters ? String(text.prefix(quotedCharacters - 3)) + "..." : text
    }
}
