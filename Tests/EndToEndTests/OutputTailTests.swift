import Foundation
import Testing
@testable import pipetop
@testable import PipetopCore

/// The tail of a command's output that `pipetop run` keeps for the job's log.
@Suite("Output tail")
struct OutputTailTests {
    func feed(_ tail: OutputTail, _ text: String, _ stream: Int32) {
        Array(text.utf8).withUnsafeBytes { tail.feed($0, stream: stream) }
    }

    @Test func keepsTheLastHundredLinesInTheOrderRead() {
        let tail = OutputTail()
        for i in 1...250 { feed(tail, "out \(i)\n", 1); if i % 50 == 0 { feed(tail, "err \(i)\n", 2) } }
        feed(tail, "no newline", 2)
        let kept = tail.kept
        #expect(kept.count == OutputTail.maxLines)
        #expect(kept.last == .init(stream: 2, text: "no newline"))
        #expect(kept.first?.text == "out 154")  // out 154...250, err 200, err 250 and the last line
        #expect(kept.contains(.init(stream: 2, text: "err 200")))
        #expect(tail.lastErrorLines(2) == ["err 250", "no newline"])
    }

    @Test func keepsAtMost64KiBAndNoCutLine() {
        let tail = OutputTail()
        let long = String(repeating: "x", count: 3_000)
        // Each line in two reads: dropping old reads can leave the end of a line alone.
        for i in 0..<200 { feed(tail, "\(i) \(long.prefix(1_000))", 1); feed(tail, "\(long.dropFirst(1_000))\n", 1) }
        let kept = tail.kept
        #expect(kept.reduce(0) { $0 + $1.text.utf8.count } <= OutputTail.maxBytes)
        #expect(kept.count >= 20)
        #expect(kept.last?.text.hasPrefix("199 ") == true)
        #expect(kept.allSatisfy { $0.text.hasSuffix(long) && $0.text.first?.isNumber == true }, "a line cut at its start must not be kept")
    }

    /// A line begun before a flood of the other stream and ended after it: its start is gone,
    /// so its end is not shown as if it were a line.
    @Test func aLineWhoseStartWasDroppedIsNotKept() {
        let tail = OutputTail()
        feed(tail, "Traceback start ", 2)
        for i in 0..<200 { feed(tail, "\(i) " + String(repeating: "y", count: 1_000) + "\n", 1) }
        feed(tail, "its end\nValueError: x\n", 2)
        #expect(tail.lastErrorLines(5) == ["ValueError: x"])
    }

    @Test func linesAreCleanedForALog() {
        #expect(OutputTail.clean(Array("\u{1b}[31mred\u{1b}[0m and \u{1b}]0;title\u{07}plain\r".utf8)) == "red and plain")
        #expect(OutputTail.clean(Array(" 10%|█ | 1/10\r 20%|██ | 2/10".utf8)) == " 20%|██ | 2/10")
        #expect(OutputTail.clean([0x61, 0x00, 0x09, 0x62, 0x7F]) == "a\tb")
    }

    @Test func eventLinesAreFoundOnlyAtALineStart() {
        let text = Array("x PIPETOP {}\nPIPETOP {\"a\":1}\r\nPIPE\nPIPETOP {}".utf8)
        let found = ProgressReader.eventLines(text[...]).map { String(decoding: text[$0], as: UTF8.self) }
        #expect(found == [#"PIPETOP {"a":1}"#, "PIPETOP {}"])
    }

    @Test func theTailGoesToTheLogByStreamInBoundedMessages() {
        let lines: [OutputTail.Line] = [.init(stream: 1, text: "a"), .init(stream: 1, text: "b"), .init(stream: 2, text: "c"),
                                        .init(stream: 2, text: "Error: c failed"), .init(stream: 1, text: "d")]
        let logs = OutputTail.logEvents(lines, job: "j").compactMap { e -> Event.Log? in if case .log(let l) = e.body { return l } else { return nil } }
        // One message per run of lines of one stream and one level.
        #expect(logs.map(\.message) == ["a\nb", "c", "Error: c failed", "d"])
        #expect(logs.map(\.level) == [.info, .info, .error, .info])
        #expect(logs.map(\.category) == ["stdout", "stderr", "stderr", "stdout"])
        let big = (0..<10).map { OutputTail.Line(stream: 2, text: String(repeating: "z", count: 4_000) + "\($0)") }
        let parts = OutputTail.logEvents(big, job: "j").compactMap { e -> String? in if case .log(let l) = e.body { return l.message } else { return nil } }
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { $0.utf8.count <= OutputTail.logMessageBytes })
        #expect(parts.joined(separator: "\n") == big.map(\.text).joined(separator: "\n"))
    }

    /// stderr is where most tools write ordinary progress: a line is info unless it says more.
    @Test(arguments: [
        (" 42%|████▏     | 42/100 [00:01<00:02, 40.00it/s]", LogLevel.info),
        ("Building DAG of jobs...", .info),
        ("sending incremental file list", .info),
        ("Exiting because a job execution failed. Look above for error message", .info),
        ("0 errors, 0 warnings", .info),
        ("ErrorCount=0", .info),
        ("Error in rule qc:", .error),
        ("error: linker command failed", .error),
        ("ERROR: no such table", .error),
        ("2026-12-02 12:00:01,003 ERROR db: connection lost", .error),
        ("[FATAL] out of memory", .error),
        ("rsync error: some files could not be transferred (code 23)", .error),
        ("gcc: fatal error: no input files", .error),
        ("ValueError: bad input: 42", .error),
        ("subprocess.CalledProcessError: Command 'x' returned non-zero exit status 1.", .error),
        ("panic: runtime error: index out of range", .error),
        ("Traceback (most recent call last):", .error),
        ("WARNING: 3 rows have no date", .warn),
        ("Warning: the lockfile is old", .warn),
        ("12:00:01 WARN cache: stale entry", .warn),
        ("/src/x.py:3: UserWarning: the default will change", .warn),
        ("main.c:4:5: warning: unused variable 'x'", .warn),
    ])
    func aLineIsLoggedAtTheLevelItSays(_ line: String, _ level: LogLevel) {
        #expect(OutputLineLevel.level(of: line) == level)
    }

    @Test func aTracebacksIndentedLinesAreErrorsUntilItEnds() {
        var reader = OutputLineLevel()
        let lines = ["Traceback (most recent call last):", "  File \"x.py\", line 3, in <module>", "    load(42)",
                     "ValueError: bad input: 42", "  indented, but after the traceback"]
        #expect(lines.map { reader.level(of: $0) } == [.error, .error, .error, .error, .info])
    }
}
