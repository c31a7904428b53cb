import Foundation
import Testing
@testable import PipetopClient

/// A dashboard whose engine is killed says plainly that it shows the past: since when, as of
/// when, no ETA and no clock that moves as if live; and it is live again once the engine is back.
@Suite("A disconnected dashboard", .serialized)
struct DisconnectedDashboardTests {
    /// A running job with a rate (so an ETA) and a finished one.
    static func report(_ sock: String) throws {
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        let t0 = Date().timeIntervalSince1970 - 20
        var lines = [#"{"type":"job.start","job":"imp","name":"nightly-import","phases":["fetch","load"],"ts":\#(t0)}"#,
                     #"{"type":"phase.start","job":"imp","phase":"fetch","ts":\#(t0)}"#,
                     #"{"type":"job.start","job":"fin","name":"finished-one","ts":\#(t0)}"#,
                     #"{"type":"job.end","job":"fin","status":"completed","ts":\#(t0 + 1)}"#]
        for i in 1...20 { lines.append(#"{"type":"progress","job":"imp","phase":"fetch","done":\#(i * 10),"total":10000,"ts":\#(t0 + Double(i))}"#) }
        #expect(try send(c, lines).isEmpty)
    }

    @Test func itSaysItShowsThePastAndComesBackLive() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock"
        var daemon = try startDaemon(sock)
        defer { if daemon.isRunning { daemon.terminate(); daemon.waitUntilExit() } }
        #expect(waitForEngine(sock))
        try Self.report(sock)
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", env: ["LANG": "C.UTF-8"])
        let row = { (s: String) in s.split(separator: "\n").first { $0.contains("nightly-import") && $0.contains("%") }.map(String.init) ?? "" }
        let (live, s1) = pane.waitFor { row($0).contains("m") && !$0.contains("not live") }
        #expect(live, "\(s1)")

        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        let (cut, s2) = pane.waitFor { $0.contains("disconnected since") }
        #expect(cut, "\(s2)")
        let lines = s2.split(separator: "\n").map(String.init)
        // The header's clock reads "as of" the last update, the time the banner gives.
        let asOf = try #require(lines.first?.firstRange(of: /as of (\d\d:\d\d:\d\d)/).map { String(lines[0][$0].dropFirst(6)) }, "\(s2)")
        #expect(lines.count > 1 && lines[1].contains("as of \(asOf), not live"), "\(s2)")
        // The running job: no estimate; the finished one still says done.
        #expect(row(s2).hasSuffix("not live"), "\(s2)")
        #expect(lines.contains { $0.contains("finished-one") && $0.hasSuffix("done") }, "\(s2)")
        #expect(lines.contains { $0.contains("fetch") && $0.hasSuffix("ETA -") }, "no phase ETA either: \(s2)")
        // Nothing moves while cut off: not the clock, not the elapsed times (the footer says
        // why each reconnection fails, and may change).
        let top = { (s: String) in s.split(separator: "\n").filter { !$0.contains("disconnected:") }.joined(separator: "\n") }
        let (moved, s3) = pane.waitFor(3) { top($0) != top(s2) }
        #expect(!moved, "\(s2)\n---\n\(s3)")

        daemon = try startDaemon(sock)
        #expect(waitForEngine(sock))
        try Self.report(sock)
        let (back, s4) = pane.waitFor { !$0.contains("disconnected") && !$0.contains("not live") && row($0).contains("m") }
        #expect(back, "\(s4)")
        #expect(!(s4.split(separator: "\n").first ?? "").contains("as of"), "\(s4)")
        try pane.keys("q")
    }
}
