import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// htop's F9 for jobs: `K` signals a job's process from the dashboard, asked first; the job's
/// log says what was sent.
@Suite("Signalling a job (tmux)", .serialized)
struct SignalJobTests {
    @Test func kThenOneTerminatesAPipetopRunJob() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/s.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: pipetopBinary)
        run.arguments = ["run", "--name", "sleeper", "--socket", sock, "--", "sleep", "300"]
        run.environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": dir + "/state"]) { _, n in n }
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        defer { if run.isRunning { run.terminate() } }
        #expect(try engineState(sock) { $0[job: "sleeper"]?.pid != nil }?[job: "sleeper"]?.pid != nil)

        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --fps 10", width: 120, height: 30, env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("sleeper") }.0)
        try pane.keys("K")
        let (asked, s) = pane.waitFor { $0.contains("Signal sleeper") && $0.contains("1 TERM") }
        #expect(asked, "\(s)")
        try pane.keys("1")
        // The command gets TERM; `pipetop run` ends the job with it.
        let deadline = Date().addingTimeInterval(10)
        while run.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!run.isRunning, "the command was not stopped")
        let state = try engineState(sock) { ($0[job: "sleeper"]?.state.isTerminal ?? false) }
        let job = try #require(state?[job: "sleeper"])
        #expect(job.state.isTerminal)
        #expect(job.logs.contains { $0.message.hasPrefix("signal TERM sent to process") && $0.message.contains(" by ") }, "\(job.logs.map(\.message))")
        try pane.keys("q")
    }

    @Test func aJobWithNoProcessSaysWhyNothingWasSent() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/s.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"j","pid":null}"#]).isEmpty)
        try c.send(#"{"type":"signal","job":"j","signal":"KILL","by":"t@h"}"# + "\n")
        let answer = try #require(try c.readLine(timeout: 5))
        #expect(answer.contains(#""sent":false"#) && answer.contains("named no process"), "\(answer)")
        let bad = try runProcess("/bin/sh", ["-c", "printf '{\"type\":\"signal\",\"job\":\"j\",\"signal\":\"STOP\"}\\n' | \(pipetopBinary) bridge --socket \(sock)"])
        #expect(bad.out.contains("must be TERM, INT, HUP or KILL"), "\(bad.out)\(bad.err)")
    }
}
