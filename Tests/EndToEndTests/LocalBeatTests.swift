import Foundation
import Testing
@testable import PipetopClient

/// The dashboard with its engine in its own process (no daemon): its loop runs the engine's
/// beat, and its frames fall on that beat at the refresh's pace, while keys and news still
/// show at once.
@Suite("The local dashboard on the engine's beat (tmux)", .serialized)
struct LocalBeatTests {
    /// A local dashboard (its own engine, socket and database) at `--delay 10`, and a
    /// producer connected to its socket.
    func start(_ dir: String) throws -> (TmuxPane, EngineConnection) {
        let sock = dir + "/l.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --db \(dir)/l.db --delay 10",
                                env: ["LANG": "C.UTF-8", "HOME": dir, "XDG_STATE_HOME": dir, "XDG_CONFIG_HOME": dir])
        #expect(waitForEngine(sock), "the local engine did not start: \(pane.screen)")
        return (pane, try EngineConnection(path: sock))
    }

    @Test func aKeyActsAtOnceWhileFiguresWaitForTheNextRefresh() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (pane, c) = try start(dir)
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"first","phases":["a"]}"#,
                         #"{"type":"progress","job":"j1","phase":"a","done":100,"total":1000}"#,
                         #"{"type":"job.start","job":"j2","name":"second"}"#])
        let (shown, s1) = pane.waitFor(25) { $0.contains(" 10% ") && $0.contains("second") }
        #expect(shown, "\(s1)")
        let selected = s1.contains("─ first ") ? "─ second " : "─ first "
        // A new count, then a key: the key shows at once, the count at the next refresh.
        _ = try send(c, [#"{"type":"progress","job":"j1","phase":"a","done":200}"#])
        try pane.keys(selected == "─ second " ? "j" : "k")
        let (moved, s2) = pane.waitFor(5) { $0.contains(selected) }
        #expect(moved, "the key did not act at once:\n\(s2)")
        #expect(s2.contains(" 10% ") && !s2.contains(" 20% "), "the count did not wait for the refresh:\n\(s2)")
        let (refreshed, s3) = pane.waitFor(25) { $0.contains(" 20% ") }
        #expect(refreshed, "\(s3)")
        try pane.keys("q")
    }

    @Test func aJobThatFailsShowsAtOnceWhateverTheDelay() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (pane, c) = try start(dir)
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"doomed","phases":["a"]}"#,
                         #"{"type":"progress","job":"j1","phase":"a","done":100,"total":1000}"#])
        let (shown, s1) = pane.waitFor(25) { $0.contains("doomed") && $0.contains(" 10% ") }
        #expect(shown, "\(s1)")
        _ = try send(c, [#"{"type":"job.end","job":"j1","status":"failed","error":"disk full"}"#])
        let (failed, s2) = pane.waitFor(5) { $0.contains("disk full") }
        #expect(failed, "the failure waited for the refresh:\n\(s2)")
        try pane.keys("q")
    }
}
