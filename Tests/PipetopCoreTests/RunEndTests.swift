import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopWire

/// What `pipetop run` needs of the reducer: multi-line messages kept as lines, and the totals
/// a job's end brings.
@Suite("Reducer: log lines and end totals")
struct RunEndTests {
    @Test func aMultiLineMessageBecomesLines() throws {
        var s = try started()
        let tb = "Traceback (most recent call last):\r\n  File \"x.py\", line 3, in <module>\n    load(42)\n\nValueError: bad\n"
        try s.apply(ev(.log(.init(level: .error, message: tb, phase: "fetch", category: "py"))), now: 101)
        let job = try #require(s[job: "j1"])
        #expect(job.logs.map(\.message) == ["Traceback (most recent call last):", "  File \"x.py\", line 3, in <module>", "    load(42)", "", "ValueError: bad"])
        #expect(job.logs.allSatisfy { $0.level == .error && $0.phase == "fetch" && $0.category == "py" && $0.at == 101 })
        #expect(job.errorCount == 1, "one event is one error")
        #expect(s.alerts.all.first { $0.kind == "error-log" }?.message == "ValueError: bad")
    }

    @Test(arguments: [
        ("Traceback (most recent call last):\n  File \"x.py\", line 3\n    raise E\nE: boom\n", "E: boom"),
        ("E: boom\n  File \"x.py\", line 3\n    raise E\n", "E: boom"),
        ("java.io.IOException: gone\n\tat A.b(A.java:1)\nCaused by: java.net.X: reset\n\tat C.d(C.java:2)", "Caused by: java.net.X: reset"),
        ("  only\n  indented\n\n", "  indented"),
    ])
    func anAlertShowsTheLineThatSaysWhat(_ message: String, _ summary: String) {
        #expect(LogLine.summary(of: message) == summary)
    }

    @Test func aHugeMessageKeepsOnlyItsLastLines() throws {
        var s = try started()
        let text = (1...1_000).map { "line \($0)" }.joined(separator: "\n")
        try s.apply(ev(.log(.init(level: .info, message: text))), now: 101)
        #expect(s[job: "j1"]?.logs.count == Job.maxLogLines)
        #expect(s[job: "j1"]?.logs.last?.message == "line 1000")
    }

    @Test func endTotalsFillWhatTheSamplerMissed() throws {
        var s = try started(["a", "b"])
        try s.apply(ev(.phaseStart(.init(phase: "a"))), now: 100)
        s.apply(SamplerReading(at: 101, host: nil, jobs: ["j1": TreeSample(cpuPercent: 100, cpuSeconds: 1, rss: 1_000, processes: 1, threads: 1,
                                                                            readBytes: 10, writeBytes: 2_000, interval: 1)]))
        try s.apply(ev(.jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 3, maxRSS: 5_000, readBytes: 5, writeBytes: 3_000)))), now: 103)
        let job = try #require(s[job: "j1"])
        #expect(job.resources?.cpuSeconds == 3)
        #expect(job.resources?.writeBytes == 3_000)
        #expect(job.resources?.readBytes == 10, "the sampler saw more: that stays")
        #expect(job.resources?.peakRSS == 5_000)
        #expect(job.phase("a")?.usage?.cpuSeconds == 3, "what was missed goes to the phase that ran")
        #expect(job.phase("a")?.usage?.writeBytes == 3_000)
        #expect(job.phase("b")?.usage == nil)
    }

    @Test func totalsTravelOnTheWire() throws {
        let e = Event(job: "j", .jobEnd(.init(status: .failed, error: "x", totals: RunTotals(cpuSeconds: 0.81, maxRSS: 4096, readBytes: 0, writeBytes: 7))))
        guard case .success(.event(let back)) = EventDecoder.decode(EventEncoder.line(e).trimmingCharacters(in: .newlines)) else {
            Issue.record("did not decode"); return
        }
        #expect(back == e)
        guard case .failure(let why) = EventDecoder.decode(#"{"type":"job.end","job":"j","totals":{"cpu_seconds":-1}}"#) else {
            Issue.record("a negative CPU time must be refused"); return
        }
        #expect(why.reason.contains("totals.cpu_seconds"))
    }
}
