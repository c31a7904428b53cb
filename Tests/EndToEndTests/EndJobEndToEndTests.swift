import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// A job whose process died without a word can be ended from the dashboard: E, then f or c.
@Suite("Ending a job from the dashboard (tmux)", .serialized)
struct EndJobEndToEndTests {
    @Test func eThenCCancelsTheJobInTheEngine() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/e.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"orphan","name":"orphaned-import","phases":["fetch"],"pid":null}"#]).isEmpty)
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --fps 10", env: ["LANG": "C.UTF-8", "USER": "tester"])
        #expect(pane.waitFor { $0.contains("orphaned-import") }.0)
        try pane.keys("E")
        let (asked, s) = pane.waitFor { $0.contains("End orphaned-import") && $0.contains("c canceled") }
        #expect(asked, "\(s)")
        try pane.keys("c")
        let state = try engineState(sock) { $0[job: "orphan"]?.state == .canceled }
        #expect(state?[job: "orphan"]?.state == .canceled)
        #expect(state?[job: "orphan"]?.error?.contains("ended from the dashboard by ") == true, "\(String(describing: state?[job: "orphan"]?.error))")
        // Then D forgets it: gone from the engine, its run kept in the history.
        #expect(pane.waitFor { $0.contains("canceled") }.0)
        try pane.keys("D")
        #expect(pane.waitFor { $0.contains("Forget orphaned-import") }.0)
        try pane.keys("y")
        let after = try engineState(sock) { $0[job: "orphan"] == nil }
        #expect(after?[job: "orphan"] == nil)
        #expect(after?.history["orphaned-import"]?.count == 1)
        #expect(pane.waitFor { !$0.contains("orphaned-import") }.0)
        try pane.keys("q")
    }
}
