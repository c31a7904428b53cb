import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// Text a job sends (names, phase names, steps, logs, alerts) must show as text: escape
/// sequences inside it must neither reach the terminal nor change its state.
@Suite("Escape sequences in job text (tmux)", .serialized)
struct TerminalEscapeTests {
    func tmuxFormat(_ pane: TmuxPane, _ format: String) throws -> String {
        try TmuxPane.tmux(["-L", pane.server, "display-message", "-p", "-t", "0", format])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func escapeSequencesInJobTextAreShownNotObeyed() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock); echo EXIT=$?", width: 120, height: 40, env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("No jobs yet.") }.0)
        #expect(waitForEngine(sock))
        // tmux renames the window after the pane's foreground command by itself, on its own
        // timer (seen: "pipetop" at first, "bash" a moment later): frozen here, so the name can
        // change only by what the job sent.
        _ = try TmuxPane.tmux(["-L", pane.server, "set-option", "-w", "-t", "0", "automatic-rename", "off"])
        let state = "#{alternate_on}|#{pane_title}|#{window_name}|#{cursor_flag}|#{mouse_any_flag}"
        let before = try tmuxFormat(pane, state)
        #expect(before.hasPrefix("1|"), "the dashboard is on the alternate screen: \(before)")

        let c = try EngineConnection(path: sock)
        // OSC 2 (title), leave the alternate screen, clear, reset (RIS), mouse on, and C1 CSI / OSC.
        let lines = [
            #"{"type":"job.start","job":"evil","name":"A\u001b]2;PWNED\u0007B\u001b[?1049l","phases":[{"id":"p","name":"P\u001b]0;PWNED2\u001b\\Q"}]}"#,
            #"{"type":"phase.start","job":"evil","phase":"p","total":10}"#,
            #"{"type":"progress","job":"evil","phase":"p","done":3}"#,
            #"{"type":"step","job":"evil","phase":"p","step":"S-1","state":"running","detail":"D\u001b[?1000h\u007f"}"#,
            #"{"type":"log","job":"evil","level":"error","message":"L\u009b2J\u009d2;PWNED3\u009c\r\nEND"}"#,
            #"{"type":"alert","job":"evil","severity":"critical","message":"ALERT\u001b]2;PWNED4\u0007\u0008\u0008\u0008"}"#,
        ]
        #expect(try send(c, lines).isEmpty)
        let (shown, s1) = pane.waitFor { $0.contains("A^[]2;PWNED^GB^[[?1049l") }
        #expect(shown, "the job's name shows as text:\n\(s1)")
        #expect(s1.contains("ALERT^[]2;PWNED4^G^H^H^H"), "the alert shows as text:\n\(s1)")
        // Into the job: phases, steps and logs (a message's lines are log lines of their own).
        try pane.keys("Enter")
        let (detail, s2) = pane.waitFor {
            $0.contains("PHASE") && $0.contains("─ log") && $0.contains("◐ P^[]0;PWNED2^[\\Q") && $0.contains("ERROR L<9b>2J<9d>2;PWNED3<9c>") && $0.contains("ERROR END")
        }
        #expect(detail, "phase names and logs show as text:\n\(s2)")
        try pane.keys("Enter")
        // (Ids, steps among them, with control characters are refused by the wire.)
        let (steps, s3) = pane.waitFor { $0.contains("STEP") && $0.contains("◐ S-1") }
        #expect(steps, "steps show as text:\n\(s3)")
        #expect(s3.contains("D^[[?1000h^?"), "step details show as text:\n\(s3)")
        // The terminal's state is what the dashboard set, not what the job sent.
        let after = try tmuxFormat(pane, state)
        #expect(after == before, "terminal state changed: \(before) -> \(after)")
        #expect(!after.contains("PWNED"))
        try pane.keys("Escape")
        try pane.keys("Escape")
        try pane.keys("q")
        #expect(pane.waitFor { $0.contains("EXIT=0") }.0)
    }
}
