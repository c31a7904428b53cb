import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// `pipetop follow snakemake DIR` on a run of the real Snakemake started without the plugin,
/// already going when the follower starts, reporting to a real engine.
@Suite("pipetop follow snakemake", .serialized)
struct SnakemakeFollowTests {
    @Test func aRunAlreadyGoingIsFollowedFromItsLog() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnakemakeWorkflow.write(into: dir)
        let gate = dir + "/gate"
        // No profile: no plugin. The first job waits for the gate, so the run is surely going.
        let (snakemake, out) = try SnakemakeWorkflow.start(["-j", "2", "--keep-going", "--config", "gate=\(gate)"],
                                                           in: dir, env: ["XDG_STATE_HOME": dir + "/state"])
        defer { if snakemake.isRunning { snakemake.terminate() } }
        let logDir = dir + "/.snakemake/log"
        let deadline = Date().addingTimeInterval(30)
        func logShowsPrepare() -> Bool {
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: logDir)) ?? []
            return logs.contains { (try? String(contentsOfFile: logDir + "/" + $0, encoding: .utf8))?.contains("rule prepare:") == true }
        }
        while !logShowsPrepare() && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try #require(logShowsPrepare(), "snakemake wrote no log in \(logDir)")

        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: pipetopBinary)
        follower.arguments = ["follow", "snakemake", dir, "--socket", d.sock]
        let ferr = Pipe()
        follower.standardError = ferr
        follower.standardOutput = FileHandle.nullDevice
        try follower.run()
        defer { if follower.isRunning { follower.terminate() } }

        let job = SnakemakeWorkflow.jobID(dir)
        let going = try engineState(d.sock) { $0[job: job]?.phase("prepare")?.state == .running }
        #expect(going?[job: job]?.phase("prepare")?.state == .running, "the follower reported the run going")
        #expect(going?[job: job]?.pid == snakemake.processIdentifier, "the Snakemake process is watched and sampled")
        FileManager.default.createFile(atPath: gate, contents: nil)

        #expect(SnakemakeWorkflow.waitForExit(snakemake, seconds: 60))
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(snakemake.terminationStatus == 1, "\(said)")
        #expect(SnakemakeWorkflow.waitForExit(follower, seconds: 20), "the follower ends with the run")
        let followerSaid = String(decoding: ferr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(follower.terminationStatus == 0, "\(followerSaid)")

        let s = try #require(try engineState(d.sock) { $0[job: job]?.state == .failed })
        let reported = try #require(s[job: job], "no job \(job); the follower said: \(followerSaid)")
        SnakemakeWorkflow.expectReported(reported, dir: dir)
    }
}
