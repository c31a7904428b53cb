import Foundation
import Testing
@testable import PipetopClient

/// After the dashboard ends, the shell in the pane prints the terminal's line modes: restored
/// when it says "TTY icanon echo icrnl isig opost onlcr" (none of them negated).
let ttyModes = #"stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo|icrnl|isig|opost|onlcr)' | tr '\n' ' ' | sed 's/^/TTY /'; echo; echo TTY-DONE"#

/// Whether the pane printed the modes of a usable terminal (all six on, none negated).
func saneTTY(_ screen: String) -> Bool {
    let joined = screen.replacingOccurrences(of: "\n", with: "")
    guard let r = joined.range(of: "TTY "), let end = joined.range(of: "TTY-DONE", range: r.upperBound..<joined.endIndex) else { return false }
    let words = Set(joined[r.upperBound..<end.lowerBound].split(separator: " ").map(String.init))
    return ["icanon", "echo", "icrnl", "isig", "opost", "onlcr"].allSatisfy { words.contains($0) && !words.contains("-" + $0) }
}

extension TmuxPane {
    /// What tmux knows of the pane's terminal: alternate screen, mouse modes, cursor, keypad.
    var flags: [String: String] {
        let names = ["alternate_on", "mouse_any_flag", "mouse_standard_flag", "mouse_button_flag", "mouse_all_flag", "mouse_sgr_flag",
                     "mouse_utf8_flag", "cursor_flag", "keypad_cursor_flag", "keypad_flag"]
        let out = (try? Self.tmux(["-L", server, "display-message", "-p", "-t", "0", names.map { "#{\($0)}" }.joined(separator: " ")])) ?? ""
        let values = out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(names, values))
    }

    /// The flags of a terminal given back: no alternate screen, no mouse, cursor shown, keypad off.
    var restored: Bool {
        let f = flags
        return f["cursor_flag"] == "1" && f.filter { $0.key != "cursor_flag" }.allSatisfy { $0.value == "0" } && f.count == 10
    }
}

/// The terminal is given back however the dashboard ends, as far as the signal allows.
@Suite("The terminal is given back", .serialized)
struct TerminalRestoreTests {
    /// Starts the dashboard (its own engine) in a shell in a pane; once it shows, runs `act`
    /// with its pid; then waits for the shell's exit status and line modes.
    func dashboard(_ act: (TmuxPane, pid_t) throws -> Void, after: String = "") throws -> (TmuxPane, String) {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock); echo EXIT=$?; \(after) \(ttyModes); sleep 60", env: ["LANG": "C.UTF-8"])
        let (up, s0) = pane.waitFor { $0.contains("No jobs yet.") }
        #expect(up, "\(s0)")
        // While it runs it holds the alternate screen with the cursor hidden: the checks below mean something.
        let f = pane.flags
        #expect(f["alternate_on"] == "1" && f["cursor_flag"] == "0", "\(f)")
        let pid = try #require(pidOf(commandContaining: sock))
        try act(pane, pid)
        let (ended, s) = pane.waitFor { $0.contains("TTY-DONE") }
        #expect(ended, "\(s)")
        return (pane, s)
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func aStopSignal(_ sig: Int32) throws {
        let (pane, s) = try dashboard { _, pid in kill(pid, sig) }
        #expect(s.contains("EXIT=0"), "\(s)")
        #expect(saneTTY(s), "signal \(sig): modes not restored:\n\(s)")
        #expect(pane.restored, "signal \(sig): \(pane.flags)")
    }

    @Test(arguments: [SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL])
    func aCrashSignal(_ sig: Int32) throws {
        let (pane, s) = try dashboard { _, pid in kill(pid, sig) }
        #expect(s.contains("EXIT=\(128 + sig)"), "signal \(sig):\n\(s)")
        #expect(s.contains("pipetop crashed; the terminal was restored"), "\(s)")
        #expect(saneTTY(s), "signal \(sig): modes not restored:\n\(s)")
        #expect(pane.restored, "signal \(sig): \(pane.flags)")
    }

    /// Signals that are not crashes but end a process by default (Ctrl-\ is SIGQUIT).
    @Test(arguments: [SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM])
    func anEndingSignal(_ sig: Int32) throws {
        let (pane, s) = try dashboard { _, pid in kill(pid, sig) }
        #expect(s.contains("EXIT=\(128 + sig)"), "signal \(sig):\n\(s)")
        #expect(s.contains("pipetop was ended by a signal; the terminal was restored"), "\(s)")
        #expect(saneTTY(s), "signal \(sig): modes not restored:\n\(s)")
        #expect(pane.restored, "signal \(sig): \(pane.flags)")
    }

    /// The engine the dashboard is attached to dies (SIGKILL): the dashboard says so, keeps
    /// the terminal, and quits cleanly on q.
    @Test func theEngineIsKilledUnderTheDashboard() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock"
        let engine = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--sample-interval", "0"], log: dir + "/log")
        defer { stopChild(engine) }
        #expect(waitForEngine(sock))
        let c = try EngineConnection(path: sock)
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"attached-job","phases":["a"]}"#])
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock); echo EXIT=$?; \(ttyModes); sleep 60", env: ["LANG": "C.UTF-8"])
        let (shown, s1) = pane.waitFor { $0.contains("attached-job") }
        #expect(shown, "\(s1)")
        kill(engine, SIGKILL)
        var status: Int32 = 0
        waitpid(engine, &status, 0)
        let (lost, s2) = pane.waitFor { $0.contains("disconnected:") }
        #expect(lost, "the dashboard does not say the engine is gone:\n\(s2)")
        #expect(pane.flags["alternate_on"] == "1", "the dashboard should still be up")
        try pane.keys("q")
        let (ended, s3) = pane.waitFor { $0.contains("TTY-DONE") }
        #expect(ended, "\(s3)")
        #expect(s3.contains("EXIT=0"), "\(s3)")
        #expect(saneTTY(s3), "modes not restored:\n\(s3)")
        #expect(pane.restored, "\(pane.flags)")
    }

    /// SIGKILL of the dashboard cannot be caught: the terminal stays as curses left it (no echo,
    /// no line editing, cursor hidden, alternate screen). `reset` gives back the modes and the
    /// cursor; `tput rmcup` leaves the alternate screen (what the docs tell people to type).
    @Test func afterKill9ResetGivesTheTerminalBack() throws {
        let (pane, s) = try dashboard({ pane, pid in
            kill(pid, SIGKILL)
            let (broken, s) = pane.waitFor { $0.contains("TTY-DONE") }
            #expect(broken && !saneTTY(s), "after kill -9 the modes were expected broken:\n\(s)")
            #expect(pane.flags["alternate_on"] == "1" && pane.flags["cursor_flag"] == "0", "\(pane.flags)")
            try pane.keys("C-j")  // the shell below waits for a line before it repairs
            #expect(pane.waitFor { $0.contains("REPAIRED") && $0.contains("TTY-DONE") }.0)
        }, after: ttyModes + "; read -r _; reset; tput rmcup; clear; echo REPAIRED;")
        #expect(saneTTY(s), "reset did not restore the modes:\n\(s)")
        #expect(pane.restored, "\(pane.flags)")
    }
}
