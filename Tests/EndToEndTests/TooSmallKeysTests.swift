import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// Behind "terminal too small" a person sees nothing, so no key acts (a blind `y` once
/// acknowledged every alert).
@Suite("Keys behind the too-small screen (tmux)", .serialized)
struct TooSmallKeysTests {
    @Test func aBlindYAcknowledgesNothing() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/p.sock"
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", env: ["LANG": "C.UTF-8"])
        #expect(waitForEngine(sock))
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"train"}"#, #"{"type":"job.end","job":"j","status":"failed","error":"exit status 1"}"#]).isEmpty)
        let (shown, s0) = pane.waitFor { $0.contains("⚑ 1 alert") }
        #expect(shown, "\(s0)")
        try pane.keys("!")
        try pane.keys("A")
        let (asked, s1) = pane.waitFor { $0.contains("Acknowledge 1 alert? (y/n)") }
        #expect(asked, "\(s1)")

        try TmuxPane.tmux(["-L", pane.server, "resize-window", "-t", "0", "-x", "30", "-y", "8"])
        let (small, s2) = pane.waitFor { $0.contains("terminal too small") }
        #expect(small, "\(s2)")
        try pane.keys("y")
        try pane.keys("a")
        // Keys and the resize are read in order: once the screen is back, both keys were handled.
        try TmuxPane.tmux(["-L", pane.server, "resize-window", "-t", "0", "-x", "80", "-y", "24"])
        let (back, s3) = pane.waitFor { $0.contains("Acknowledge 1 alert? (y/n)") && $0.contains("⚑ 1 alert") }
        #expect(back, "the question should still wait and the alert be unacknowledged:\n\(s3)")
        let state = try #require(try engineState(sock))
        #expect(state.alerts.all.allSatisfy { $0.ack == nil }, "a key behind the too-small screen acknowledged an alert")
        try pane.keys("n")
    }
}
