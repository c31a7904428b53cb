import Foundation
import Testing
@testable import PipetopClient

/// `--delay` (seconds between refreshes, as in htop): the engine's figures come at that pace,
/// while keys, news and the link's state show at once, attached to a daemon and with the
/// engine in the dashboard's own process (its loop runs the engine's beat); the subscription
/// is read on the dashboard's own loop and still reconnects when the engine comes back.
@Suite("The refresh delay in a real terminal (tmux)", .serialized)
struct RefreshDelayTests {
    /// Where the dashboard's engine runs: a daemon it attaches to, or its own process (whose
    /// loop runs the engine's beat).
    enum EngineHome: String, CaseIterable, CustomStringConvertible {
        case daemon, local
        var description: String { rawValue }
    }

    /// A dashboard at `--delay 10` and a producer connected to its engine; `stop` ends the
    /// daemon, if one was started.
    func start(_ home: EngineHome, _ dir: String) throws -> (pane: TmuxPane, producer: EngineConnection, stop: () -> Void) {
        let sock = dir + "/d.sock"
        switch home {
        case .daemon:
            let daemon = try startDaemon(sock, ["--sample-interval", "0"])
            let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --delay 10", env: ["LANG": "C.UTF-8"])
            return (pane, try EngineConnection(path: sock), { daemon.terminate(); daemon.waitUntilExit() })
        case .local:
            let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --db \(dir)/l.db --delay 10",
                                    env: ["LANG": "C.UTF-8", "HOME": dir, "XDG_STATE_HOME": dir, "XDG_CONFIG_HOME": dir])
            #expect(waitForEngine(sock), "the local engine did not start: \(pane.screen)")
            return (pane, try EngineConnection(path: sock), {})
        }
    }

    @Test(arguments: EngineHome.allCases)
    func aKeyActsAtOnceWhileFiguresWaitForTheNextRefresh(_ home: EngineHome) throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (pane, c, stop) = try start(home, dir)
        defer { stop() }
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"first","phases":["a"]}"#,
                         #"{"type":"progress","job":"j1","phase":"a","done":100,"total":1000}"#,
                         #"{"type":"job.start","job":"j2","name":"second"}"#])
        // (The overview shows each job's percent: 10% now.)
        let (shown, s1) = pane.waitFor(25) { $0.contains(" 10% ") && $0.contains("second") }
        #expect(shown, "\(s1)")
        let selected = s1.contains("─ first ") ? "─ second " : "─ first "
        // A new count, then a key: the key shows at once, the count only at the next refresh
        // (10 s after the first frame, far beyond the wait for the key).
        _ = try send(c, [#"{"type":"progress","job":"j1","phase":"a","done":200}"#])
        try pane.keys(selected == "─ second " ? "j" : "k")
        let (moved, s2) = pane.waitFor(5) { $0.contains(selected) }
        #expect(moved, "the key did not act at once:\n\(s2)")
        #expect(s2.contains(" 10% ") && !s2.contains(" 20% "), "the count did not wait for the refresh:\n\(s2)")
        let (refreshed, s3) = pane.waitFor(25) { $0.contains(" 20% ") }
        #expect(refreshed, "\(s3)")
        try pane.keys("q")
    }

    @Test(arguments: EngineHome.allCases)
    func aJobThatFailsShowsAtOnceWhateverTheDelay(_ home: EngineHome) throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (pane, c, stop) = try start(home, dir)
        defer { stop() }
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"doomed","phases":["a"]}"#,
                         #"{"type":"progress","job":"j1","phase":"a","done":100,"total":1000}"#])
        let (shown, s1) = pane.waitFor(25) { $0.contains("doomed") && $0.contains(" 10% ") }
        #expect(shown, "\(s1)")
        // The engine sends news without waiting for the viewer's pace (10 s here).
        _ = try send(c, [#"{"type":"job.end","job":"j1","status":"failed","error":"disk full"}"#])
        let (failed, s2) = pane.waitFor(5) { $0.contains("disk full") }
        #expect(failed, "the failure waited for the refresh:\n\(s2)")
        try pane.keys("q")
    }

    @Test func theFeedReadOnTheMainLoopReconnectsAfterARestart() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock"
        var daemon = try startDaemon(sock)
        defer { if daemon.isRunning { daemon.terminate(); daemon.waitUntilExit() } }
        let c = try EngineConnection(path: sock)
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"remote-job","phases":["a"]}"#])

        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --delay 10", env: ["LANG": "C.UTF-8"])
        let (shown, s1) = pane.waitFor { $0.contains("remote-job") }
        #expect(shown, "\(s1)")
        // The link's state shows at once, not at the next refresh (10 s away).
        daemon.terminate()
        daemon.waitUntilExit()
        let (lost, s2) = pane.waitFor(5) { $0.contains("disconnected:") }
        #expect(lost, "\(s2)")
        daemon = try startDaemon(sock)
        let c2 = try EngineConnection(path: sock)
        _ = try send(c2, [#"{"type":"job.start","job":"j2","name":"after-restart"}"#])
        let (back, s3) = pane.waitFor(15) { $0.contains("after-restart") && !$0.contains("disconnected:") }
        #expect(back, "\(s3)")
        try pane.keys("q")
    }
}
