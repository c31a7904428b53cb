import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// Prints the terminal's line modes after the dashboard exits: "MODES icanon echo" when restored.
let modes = #"stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' | sed 's/^/MODES /'; echo"#

@Suite("pipetop in a real terminal (tmux)", .serialized)
struct DashboardEndToEndTests {
    @Test func jobsSentToTheSocketAppearAndMove() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock); echo EXIT=$?; \(modes)", env: ["LANG": "C.UTF-8"])
        let (empty, s0) = pane.waitFor { $0.contains("No jobs yet.") }
        #expect(empty, "\(s0)")
        #expect(waitForEngine(sock))

        let c = try EngineConnection(path: sock)
        try c.send(#"{"type":"job.start","job":"j1","name":"import","phases":["fetch","load"]}"# + "\n"
                   + #"{"type":"progress","job":"j1","phase":"fetch","done":400,"total":1000}"# + "\n")
        #expect(try c.sync().isEmpty)
        let (shown, s1) = pane.waitFor { $0.contains("import") && $0.contains("400/1000") && $0.contains("◐ fetch ─▶ ○ load") }
        #expect(shown, "\(s1)")

        // Garbage is answered with errors and changes nothing on screen.
        try c.send("garbage\n{\"type\":\"progress\",\"job\":\"j1\"}\n")
        let errors = try c.sync()
        #expect(errors.count == 2)
        try c.send(#"{"type":"progress","job":"j1","phase":"fetch","done":900}"# + "\n")
        #expect(try c.sync().isEmpty)
        let (moved, s2) = pane.waitFor { $0.contains("900/1000") && $0.contains(" 45%") }
        #expect(moved, "\(s2)")

        // A new job lands on top without stealing the selection; k moves to it; q quits and
        // gives the terminal back.
        try c.send(#"{"type":"job.start","job":"j2","name":"second"}"# + "\n")
        _ = try c.sync()
        let (listed, s5) = pane.waitFor { $0.contains("second") }
        #expect(listed && s5.contains("─ import "), "\(s5)")
        try pane.keys("k")
        let (selected, s3) = pane.waitFor { $0.contains("─ second ") }
        #expect(selected, "\(s3)")
        try pane.keys("q")
        let (exited, s4) = pane.waitFor { $0.contains("EXIT=0") && $0.contains("MODES") }
        #expect(exited, "\(s4)")
        #expect(s4.contains("MODES icanon echo"), "terminal modes not restored:\n\(s4)")
        #expect(!FileManager.default.fileExists(atPath: sock), "the in-process engine left its socket behind")
    }

    /// Starts the dashboard in a pane, sends `sig` to it once it shows, and returns the screen
    /// after the shell printed its exit status and the terminal's modes.
    func screenAfterSignal(_ sig: Int32) throws -> (screen: String, sock: String) {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock); echo EXIT=$?; \(modes)", env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("No jobs yet.") }.0)
        let pid = try #require(pidOf(commandContaining: sock))
        kill(pid, sig)
        let (exited, s) = pane.waitFor { $0.contains("EXIT=") && $0.contains("MODES") }
        #expect(exited, "\(s)")
        #expect(s.contains("MODES icanon echo"), "terminal modes not restored:\n\(s)")
        return (s, sock)
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalsEndTheDashboardCleanly(_ sig: Int32) throws {
        let (s, sock) = try screenAfterSignal(sig)
        #expect(s.contains("EXIT=0"), "\(s)")
        #expect(!FileManager.default.fileExists(atPath: sock))
    }

    @Test func aCrashStillRestoresTheTerminal() throws {
        let (s, _) = try screenAfterSignal(SIGSEGV)
        #expect(s.contains("EXIT=139"), "\(s)")
        #expect(s.contains("pipetop crashed; the terminal was restored"), "\(s)")
    }

    @Test func attachesToARunningEngineAndSurvivesItsRestart() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock"
        var daemon = try startDaemon(sock)
        defer { if daemon.isRunning { daemon.terminate(); daemon.waitUntilExit() } }
        #expect(waitForEngine(sock))
        let c = try EngineConnection(path: sock)
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"remote-job","phases":["a"]}"#])

        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", env: ["LANG": "C.UTF-8"])
        let (shown, s1) = pane.waitFor { $0.contains("remote-job") }
        #expect(shown, "\(s1)")

        daemon.terminate()
        daemon.waitUntilExit()
        let (lost, s2) = pane.waitFor { $0.contains("disconnected:") }
        #expect(lost, "\(s2)")

        daemon = try startDaemon(sock)
        #expect(waitForEngine(sock))
        let c2 = try EngineConnection(path: sock)
        _ = try send(c2, [#"{"type":"job.start","job":"j2","name":"after-restart"}"#])
        let (back, s3) = pane.waitFor { $0.contains("after-restart") && !$0.contains("disconnected:") }
        #expect(back, "\(s3)")
        try pane.keys("q")
    }

    @Test func aNewCriticalAlertRingsTheBellAndTmuxFlagsTheWindow() throws {
        let dir = try scratchDir()
        let sock = dir + "/d.sock"
        let daemon = try startDaemon(sock, ["--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"j","name":"furnace","phases":["heat"]}"#,
                         #"{"type":"alert","job":"j","severity":"critical","message":"already open","name":"old"}"#])
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", env: ["LANG": "C.UTF-8"])
        let (shown, s1) = pane.waitFor { $0.contains("furnace") }
        #expect(shown, "\(s1)")
        // Another window is in front, as when pipetop runs in a background tmux window.
        _ = try TmuxPane.tmux(["-L", pane.server, "new-window", "-d"])
        _ = try TmuxPane.tmux(["-L", pane.server, "select-window", "-t", "1"])
        func bellFlag() -> String {
            ((try? TmuxPane.tmux(["-L", pane.server, "display-message", "-p", "-t", ":0", "#{window_bell_flag}"])) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // The dashboard decides on the bell before it draws: once a count is on its screen,
        // the alerts behind it have had their chance to ring (no sleep needed to know).
        func dashboardShows(_ text: String) -> Bool {
            poll(seconds: 10) { ((try? TmuxPane.tmux(["-L", pane.server, "capture-pane", "-p", "-t", ":0"])) ?? "").contains(text) }
        }
        #expect(dashboardShows("1 alert"))
        #expect(bellFlag() == "0")  // the alert open at start does not ring
        _ = try send(c, [#"{"type":"alert","job":"j","severity":"warning","message":"just a warning","name":"w"}"#])
        #expect(dashboardShows("2 alerts"))
        #expect(bellFlag() == "0")  // nor does a warning
        _ = try send(c, [#"{"type":"alert","job":"j","severity":"critical","message":"disk full","name":"disk"}"#])
        #expect(poll(seconds: 5) { bellFlag() == "1" }, "window_bell_flag never set")
        _ = try TmuxPane.tmux(["-L", pane.server, "select-window", "-t", "0"])
        try pane.keys("q")
    }

    @Test func ctrlCTypedAtTheKeyboardQuits() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pane = try TmuxPane("\(pipetopBinary) --socket \(dir)/p.sock; echo EXIT=$?", env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("No jobs yet.") }.0)
        try pane.keys("C-c")
        let (exited, s) = pane.waitFor { $0.contains("EXIT=0") }
        #expect(exited, "\(s)")
    }

    /// Soon after it starts (its failed job fails about 3.5 s in), the demo shows every state a
    /// phase can be in. Waited for on the screen, not timed: a loaded machine is slower.
    @Test func demoShowsEveryPhaseState() throws {
        let pane = try TmuxPane("\(pipetopBinary) demo", env: ["LANG": "C.UTF-8"])
        let symbols = ["○", "◐", "●", "✗", "⊘"]
        let (all, s) = pane.waitFor(20) { screen in symbols.allSatisfy { screen.contains($0) } && screen.contains("stall") }
        #expect(all, "\(s)")
        #expect(s.contains("failed"))
        try pane.keys("q")
    }

    @Test func theCLocaleGetsPlainASCII() throws {
        let pane = try TmuxPane("\(pipetopBinary) demo", env: ["LANG": "C", "LC_ALL": "C"])
        let (ready, s) = pane.waitFor(5) { $0.contains("etl-orders") && $0.contains("X") }
        #expect(ready, "\(s)")
        #expect(s.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII under LANG=C:\n\(s)")
        #expect(s.contains("->"))
        try pane.keys("q")
    }

    @Test func resizeRedrawsAndTooSmallRecovers() throws {
        let pane = try TmuxPane("\(pipetopBinary) demo", env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("etl-orders") }.0)
        try TmuxPane.tmux(["-L", pane.server, "resize-window", "-t", "0", "-x", "30", "-y", "8"])
        let (small, s1) = pane.waitFor { $0.contains("terminal too small") }
        #expect(small, "\(s1)")
        try TmuxPane.tmux(["-L", pane.server, "resize-window", "-t", "0", "-x", "120", "-y", "30"])
        let (back, s2) = pane.waitFor { $0.contains("etl-orders") && $0.contains("NOW") }
        #expect(back, "\(s2)")
        try pane.keys("q")
    }

    @Test func anUnknownTerminalTypeGetsAClearMessage() throws {
        let pane = try TmuxPane("TERM=no-such-term \(pipetopBinary) demo; echo EXIT=$?")
        let (done, s) = pane.waitFor { $0.contains("EXIT=") }
        #expect(done, "\(s)")
        #expect(s.contains("TERM=no-such-term is unknown to terminfo"), "\(s)")
        #expect(s.contains("EXIT=1"))
    }
}

@Suite("pipetop without a terminal", .serialized)
struct CommandLineEndToEndTests {
    @Test func theDashboardRefusesANonTerminal() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runPipetop(["--socket", dir + "/p.sock"])
        #expect(r.status != 0)
        #expect(r.err.contains("needs a terminal"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/p.sock"))
    }

    @Test func daemonAndEmitWorkTogether() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock"
        let daemon = try startDaemon(sock)
        defer { if daemon.isRunning { daemon.terminate() } }
        #expect(waitForEngine(sock))

        // A second engine on the same socket refuses, clearly.
        let second = try runPipetop(["daemon", "--socket", sock])
        #expect(second.status != 0)
        #expect(second.err.contains("already listening"), "\(second.err)")

        let ok = try runPipetop(["emit", "job.start", "--job", "j1", "name=import", #"phases=["fetch","load"]"#, "--socket", sock])
        #expect(ok.status == 0, "\(ok.err)")
        let p = try runPipetop(["emit", "progress", "--job", "j1", "--phase", "fetch", "done=12", "total=40", "--socket", sock])
        #expect(p.status == 0, "\(p.err)")
        let bad = try runPipetop(["emit", "progress", "--job", "nobody", "--phase", "fetch", "done=1", "--socket", sock])
        #expect(bad.status != 0)
        #expect(bad.err.contains("unknown job 'nobody'"), "\(bad.err)")
        let typed = try runPipetop(["emit", "progress", "--job", "j1", "--phase", "fetch", "done=many", "--socket", sock])
        #expect(typed.err.contains("field 'done' must be an integer, got string"), "\(typed.err)")

        // What the engine holds, read as a viewer would.
        let done = try engineState(sock) { $0[job: "j1"]?.phase("fetch")?.done != nil }?[job: "j1"]?.phase("fetch")?.done
        #expect(done == 12)

        daemon.terminate()
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: sock))
    }

    /// Without an engine the script goes on (the event is spooled: NoEngineTests); what it
    /// says tells how to start one, and --strict fails.
    @Test func emitWithoutAnEngineSaysHowToStartOne() throws {
        let r = try runPipetop(["emit", "log", "--job", "j", "message=hi", "--socket", "/tmp/pt-none-\(getpid()).sock"])
        #expect(r.status == 0)
        #expect(r.err.contains("no engine at") && r.err.contains("pipetop daemon"), "\(r.err)")
        let strict = try runPipetop(["emit", "--strict", "log", "--job", "j", "message=hi", "--socket", "/tmp/pt-none-\(getpid()).sock"])
        #expect(strict.status != 0 && strict.err.contains("no engine at"), "\(strict.err)")
    }
}

@Suite("Drilling down and acknowledging, by keystrokes", .serialized)
struct NavigationEndToEndTests {
    /// The new-user path: find the failed job, drill into its failed phase, see the failed
    /// step and why, go back, filter, acknowledge its alert and see the count drop; the
    /// engine (read from a second connection) has the acknowledgement with user@host.
    @Test func drillFilterAndAcknowledgeThroughTheEngine() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("No jobs yet.") }.0)
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [
            #"{"type":"job.start","job":"ok","name":"healthy-job","phases":["a"]}"#,
            #"{"type":"job.start","job":"bad","name":"broken-job","phases":["fetch","load"]}"#,
            #"{"type":"phase.start","job":"bad","phase":"fetch","total":10}"#,
            #"{"type":"step","job":"bad","phase":"fetch","step":"page-1","state":"done"}"#,
            #"{"type":"step","job":"bad","phase":"fetch","step":"page-2","state":"failed","detail":"HTTP 503 from api"}"#,
            #"{"type":"phase.end","job":"bad","phase":"fetch","status":"failed","error":"too many 503s"}"#,
        ]).isEmpty)
        let (listed, s0) = pane.waitFor { $0.contains("broken-job") && $0.contains("1 alert") }
        #expect(listed, "\(s0)")

        // The failed job is listed first and selected: Enter opens it, Enter again its first phase.
        try pane.keys("Enter")
        #expect(pane.waitFor { $0.contains("─ broken-job ") && $0.contains("PHASE") }.0)
        try pane.keys("Enter")
        let (phase, s1) = pane.waitFor { $0.contains("broken-job ─▶ fetch") && $0.contains("HTTP 503 from api") }
        #expect(phase, "\(s1)")
        try pane.keys("n")
        #expect(pane.waitFor { $0.contains("row 2 of 2") }.0)

        // Filter the steps by state.
        try pane.keys("/")
        try pane.keys("-l", "done")
        try pane.keys("Enter")
        let (filtered, s2) = pane.waitFor { $0.contains("page-1") && !$0.contains("page-2") && $0.contains("filter: done") }
        #expect(filtered, "\(s2)")

        // Esc clears the kept filter, then two more go back to the overview; acknowledge there.
        try pane.keys("Escape")
        #expect(pane.waitFor { $0.contains("page-2") }.0)
        try pane.keys("Escape")
        try pane.keys("Escape")
        #expect(pane.waitFor { $0.contains("JOB") && $0.contains("healthy-job") }.0)
        try pane.keys("a")
        let (acked, s3) = pane.waitFor { $0.contains("no alerts") }
        #expect(acked, "\(s3)")

        // A second connection sees the acknowledgement in the engine's state.
        let ack = try engineState(sock) { $0.alerts.all.first { $0.job == "bad" }?.ack != nil }?.alerts.all.first { $0.job == "bad" }?.ack
        let who = try #require(ack?.by)
        #expect(who.hasSuffix("@" + ProcessInfo.processInfo.hostName))
        try pane.keys("q")
    }

    /// The same dashboard under the terminal types people have, and the C locale.
    @Test(arguments: ["xterm-256color", "screen", "tmux-256color", "vt100"], ["C.UTF-8", "C"])
    func everyTerminalTypeAndLocale(term: String, lang: String) throws {
        let pane = try TmuxPane("TERM=\(term) \(pipetopBinary) demo", env: ["LANG": lang, "LC_ALL": lang])
        let failedMark = lang == "C" ? "X etl-orders" : "✗ etl-orders"
        let (ok, s) = pane.waitFor(6) { $0.contains(failedMark) && $0.contains("help") }
        #expect(ok, "TERM=\(term) LANG=\(lang):\n\(s)")
        if lang == "C" { #expect(s.unicodeScalars.allSatisfy { $0.isASCII }, "non-ASCII under LANG=C, TERM=\(term):\n\(s)") }
        try pane.keys("Enter")
        let (drilled, s2) = pane.waitFor { $0.contains("PHASE") && $0.contains("checkpoints") }
        #expect(drilled, "TERM=\(term) LANG=\(lang):\n\(s2)")
        try pane.keys("Escape")
        try pane.keys("q")
        #expect(pane.waitFor { _ in pane.paneDead }.0, "TERM=\(term): did not quit")
    }
}
