/// A line of GNU parallel's `--joblog FILE`, written as each job finishes:
/// `Seq Host Starttime JobRuntime Send Receive Exitval Signal Command`, tab-separated, after
/// a header line. A job is a step named by its command; a non-zero exit or a signal fails it.
enum ParallelJoblog {
    struct Entry: Equatable, Sendable {
        var seq: Int
        var command: String
        var exit: Int
        var signal: Int
        var seconds: Double

        var failed: Bool { exit != 0 || signal != 0 }
        var detail: String {
            let took = String(format: "%.2f s", seconds)
            if signal != 0 { return "killed by signal \(signal) after \(took)" }
            return exit != 0 ? "exit status \(exit) after \(took)" : took
        }
    }

    static func read(_ line: String) -> Entry? {
        let f = line.split(separator: "\t", maxSplits: 8, omittingEmptySubsequences: false)
        guard f.count == 9, let seq = Int(f[0]), let runtime = Double(f[3].trimmingCharacters(in: .whitespaces)),
              let exit = Int(f[6]), let signal = Int(f[7]) else { return nil }
        return Entry(seq: seq, command: String(f[8]), exit: exit, signal: signal, seconds: runtime)
    }
}
