import Foundation
import Testing
@testable import PipetopClient

/// The mouse in a real terminal: tmux passes the bytes an xterm sends for a click (X10
/// reporting, what the dashboard asks for through terminfo's kmous) to the dashboard.
@Suite("Mouse (tmux)", .serialized)
struct MouseTests {
    /// The bytes of a press then a release of `button` (0 left, 64 wheel up, 65 wheel down)
    /// at column `x`, row `y` (0-based).
    static func click(_ x: Int, _ y: Int, button: Int = 0) -> String {
        func byte(_ v: Int) -> String { String(UnicodeScalar(UInt8(32 + v))) }
        let press = "\u{1B}[M" + byte(button) + byte(x + 1) + byte(y + 1)
        return button >= 64 ? press : press + "\u{1B}[M" + byte(3) + byte(x + 1) + byte(y + 1)
    }

    @Test func clickSelectsDoubleClickOpensAndTheFooterIsPressed() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/m.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        #expect(try send(c, (1...3).map { #"{"type":"job.start","job":"j\#($0)","name":"job-number-\#($0)","phases":["fetch","load"],"ts":\#(1_763_900_000 + $0)}"# }).isEmpty)
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --fps 10", width: 100, height: 30, env: ["LANG": "C.UTF-8"])
        let (listed, s0) = pane.waitFor { $0.contains("job-number-1") && $0.contains("job-number-3") }
        #expect(listed, "\(s0)")
        // The newest job is first; the oldest, job-number-1, on the list's third row (screen row 4).
        let rows = s0.split(separator: "\n", omittingEmptySubsequences: false)
        let row = try #require(rows.firstIndex { $0.contains("job-number-1") })
        try pane.keys("-l", Self.click(10, row))
        let (selected, s1) = pane.waitFor { $0.contains("─ job-number-1 ") }
        #expect(selected, "a click selects the row: \(s1)")
        try pane.keys("-l", Self.click(10, row) + Self.click(10, row))
        let (opened, s2) = pane.waitFor { $0.contains("─ job-number-1 ") && $0.contains("PHASE") }
        #expect(opened, "a double click opens it: \(s2)")
        // A click on the footer's "?" presses it.
        let footer = try #require(s2.split(separator: "\n", omittingEmptySubsequences: false).lastIndex { $0.contains("help") })
        try pane.keys("-l", Self.click(2, footer))
        let (help, s3) = pane.waitFor { $0.contains("pipetop keys") }
        #expect(help, "\(s3)")
        try pane.keys("q")
    }
}
