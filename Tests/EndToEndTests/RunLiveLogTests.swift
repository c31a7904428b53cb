import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// `pipetop run` sends the command's output lines to the job's log while it runs, each with
/// the time it was printed, and a flood as a few messages, not line by line.
@Suite("pipetop run: live log", .serialized)
struct RunLiveLogTests {
    @Test func linesReachTheLogAsPrintedWithTheirTime() throws {
        let d = try Daemon()
        let go = d.dir + "/go"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        // "two" waits for the test to have seen "one" in the engine.
        p.arguments = ["run", "--socket", d.sock, "--job", "live", "--", "sh", "-c",
                       "echo one; while [ ! -e '\(go)' ]; do sleep 0.05; done; echo two"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let printed = Date().timeIntervalSince1970
        let running = try #require(try engineState(d.sock, seconds: 10) { $0[job: "live"]?.logs.contains { $0.message == "one" } == true })
        #expect(running[job: "live"]?.logs.contains { $0.message == "one" } == true, "the line must come while the command runs")
        #expect(running[job: "live"]?.state.isTerminal == false)
        FileManager.default.createFile(atPath: go, contents: nil)
        p.waitUntilExit()
        let s = try #require(try engineState(d.sock) { $0[job: "live"]?.state.isTerminal == true })
        let job = try #require(s[job: "live"])
        let one = try #require(job.logs.first { $0.message == "one" })
        let two = try #require(job.logs.first { $0.message == "two" })
        #expect(abs(one.at - printed) < 1, "one's time is when it was printed")
        #expect(two.at > one.at + 0.5, "each line has its own time, not the end's")
        #expect(job.logs.filter { $0.message == "one" }.count == 1, "a line sent live is not sent again at the end")
    }

    @Test func aFloodIsSentInAFewMessages() throws {
        let d = try Daemon()
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "flood", "--", "sh", "-c",
                                "seq 1 200000; sleep 1.5; seq 1 200000"])
        #expect(r.status == 0)
        let s = try #require(try engineState(d.sock) { $0[job: "flood"]?.state.isTerminal == true })
        let logs = s[job: "flood"]?.logs ?? []
        // Each burst: its newest 100 lines at most, and a line saying how many were left out.
        #expect(logs.filter { $0.message.contains("lines of output not sent to the log") }.count >= 1, "\(logs.prefix(3))")
        #expect(logs.filter { $0.message.hasPrefix("1999") }.count <= 200)
        #expect(logs.last?.message.hasSuffix("200000") == true)
    }
}
