import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine

/// `pipetop follow nextflow DIR` on a `.nextflow.log` written as Nextflow writes it, the run
/// already going when the follower starts, reporting to a real engine.
@Suite("pipetop follow nextflow", .serialized)
struct NextflowFollowTests {
    @Test func aRunAlreadyGoingIsFollowedFromItsLog() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/.nextflow.log"
        try NextflowLogFixture.going.write(toFile: log, atomically: false, encoding: .utf8)

        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: pipetopBinary)
        follower.arguments = ["follow", "nextflow", dir, "--socket", d.sock]
        let ferr = Pipe()
        follower.standardError = ferr
        follower.standardOutput = FileHandle.nullDevice
        try follower.run()
        defer { if follower.isRunning { follower.terminate() } }

        let job = WeblogRun.jobID(runName: "tiny_hopper", runId: "9d1c44e0-2b3a-4f6e-8d7c-1a2b3c4d5e6f")
        let going = try engineState(d.sock) { $0[job: job]?.phase("QUANT")?.steps.items.count == 3 }
        let quant = going?[job: job]?.phase("QUANT")
        #expect(quant?.state == .running && quant?.total == 3, "the follower reported the run going")
        #expect(quant?.steps.items.first { $0.id == "s2" }?.detail == "failed; Nextflow retries it")
        #expect(going?[job: job]?.phase("INDEX")?.state == .running && going?[job: job]?.phase("INDEX")?.done == 1)

        // Nextflow goes on writing.
        let h = try #require(FileHandle(forWritingAtPath: log))
        try h.seekToEnd()
        try h.write(contentsOf: Data(NextflowLogFixture.rest.utf8))
        try h.close()

        let deadline = Date().addingTimeInterval(20)
        while follower.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let ended = !follower.isRunning
        if !ended { follower.terminate(); follower.waitUntilExit() }
        let said = String(decoding: ferr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(ended, "the follower ends with the run")
        #expect(follower.terminationStatus == 0, "\(said)")

        let s = try #require(try engineState(d.sock) { $0[job: job]?.state.isTerminal == true })
        let j = try #require(s[job: job], "no job \(job); the follower said: \(said)")
        #expect(j.name == "tiny_hopper")
        #expect(j.labels["pipeline"] == "main.nf" && j.labels["tool"] == "nextflow")
        #expect(j.state == .failed)
        #expect(j.error == "Process `QUANT (s3)` terminated with an error exit status (137)")
        #expect(j.phases.map(\.id) == ["INDEX", "QUANT"], "processes appear as their first task is submitted")
        #expect(j.phase("INDEX")?.state == .done && j.phase("INDEX")?.steps.items.map(\.id) == ["INDEX"])
        let q = try #require(j.phase("QUANT"))
        #expect(q.state == .failed && q.done == 2 && q.failed == 1 && q.total == 3, "\(q.done) done, \(q.failed) failed of \(q.total ?? -1)")
        #expect(q.steps.items.first { $0.id == "s2" }?.state == .done, "the retried task is done, not failed")
        #expect(q.steps.items.first { $0.id == "s3" }?.detail == "Process `QUANT (s3)` terminated with an error exit status (137)")
        #expect(j.logs.contains { $0.level == .error && $0.message.contains("Command exit status:") }, "the error block is the job's log")
        #expect(j.logs.contains { $0.level == .warn && $0.message.contains("Execution is retried (1)") })
    }
}
