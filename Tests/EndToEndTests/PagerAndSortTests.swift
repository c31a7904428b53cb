import Foundation
import Testing
@testable import PipetopClient

/// The pager and sorting in a real terminal: a failed job's traceback read whole, the log
/// searched, the list sorted by name and back, the wheel moving the cursor.
@Suite("Pager, sorting and the wheel (tmux)", .serialized)
struct PagerAndSortTests {
    @Test func readATracebackSearchTheLogAndSortTheList() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        var lines = [#"{"type":"job.start","job":"a","name":"alpha-import","phases":["load"],"ts":1763900001}"#,
                     #"{"type":"job.start","job":"z","name":"zulu-train","phases":["fit"],"ts":1763900002}"#]
        for i in 0..<40 { lines.append(#"{"type":"log","job":"z","message":"epoch \#(i) done"}"#) }
        lines.append(#"{"type":"log","job":"z","level":"error","message":"Traceback (most recent call last):\n  File \"train.py\", line 9, in fit\nRuntimeError: CUDA out of memory"}"#)
        #expect(try send(c, lines).isEmpty)
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --fps 10", width: 80, height: 24, env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("alpha-import") && $0.contains("zulu-train") }.0)

        // Sorted by name: alpha first; reversed: zulu first.
        try pane.keys("o")
        let (byName, s1) = pane.waitFor { s in
            guard let a = s.range(of: "alpha-import"), let z = s.range(of: "zulu-train") else { return false }
            return s.contains("JOB↑") && a.lowerBound < z.lowerBound
        }
        #expect(byName, "\(s1)")
        try pane.keys("O")
        let (reversed, s2) = pane.waitFor { s in
            guard let a = s.range(of: "alpha-import"), let z = s.range(of: "zulu-train") else { return false }
            return s.contains("JOB↓") && z.lowerBound < a.lowerBound
        }
        #expect(reversed, "\(s2)")

        // zulu's whole log in the pager, following its end: the traceback as lines.
        try pane.keys("L")
        let (log, s3) = pane.waitFor { $0.contains("log of zulu-train") && $0.contains("RuntimeError: CUDA out of memory") && $0.contains("  File \"train.py\", line 9") }
        #expect(log, "\(s3)")
        try pane.keys("g", "/")
        try pane.keys("-l", "epoch 7 ")
        try pane.keys("Enter")
        let (found, s4) = pane.waitFor { $0.contains("epoch 7 done") && $0.contains("/epoch 7 : 1 lines") && !$0.contains("epoch 0 done") }
        #expect(found, "\(s4)")
        try pane.keys("Escape", "Escape")
        #expect(pane.waitFor { $0.contains("JOB↓") }.0)
        // The wheel moves the cursor down a row at least (three at most here: two jobs).
        try pane.keys("-l", MouseTests.click(10, 5, button: 65))
        let (moved, s5) = pane.waitFor { $0.contains("─ alpha-import ") }
        #expect(moved, "\(s5)")
        try pane.keys("q")
    }
}
