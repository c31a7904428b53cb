import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// The logger plugin (clients/snakemake) in the real Snakemake, turned on by a profile,
/// reporting to a real engine.
@Suite("Snakemake logger plugin", .serialized)
struct SnakemakePluginTests {
    @Test func aRunWithAFailedJobIsReportedRuleByRule() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnakemakeWorkflow.write(into: dir)
        let env = ["PIPETOP_SOCKET": d.sock, "PYTHONPATH": SnakemakeWorkflow.pythonPath, "XDG_STATE_HOME": dir + "/state"]

        // A dry run reports nothing.
        let dry = try SnakemakeWorkflow.run(["--profile", "profile", "-n"], in: dir, env: env)
        #expect(dry.status == 0, "\(dry.out)")
        let job = SnakemakeWorkflow.jobID(dir)
        let started = Date()
        let r = try SnakemakeWorkflow.run(["--profile", "profile"], in: dir, env: env)
        print("snakemake with the plugin: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(r.status == 1, "the failed qc job fails the run, as without pipetop:\n\(r.out)")
        #expect(!r.out.contains("pipetop:"), "the plugin said something:\n\(r.out)")

        let s = try #require(try engineState(d.sock) { $0[job: job]?.state == .failed })
        let reported = try #require(s[job: job], "no job \(job) in the engine; snakemake said:\n\(r.out)")
        #expect(reported.run == 1, "the dry run must not have made a run of its own")
        #expect(reported.pid != nil, "the Snakemake process is sampled")
        SnakemakeWorkflow.expectReported(reported, dir: dir)
    }

    @Test func withoutAnEngineTheRunIsKeptForTheNextOne() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnakemakeWorkflow.write(into: dir)
        let sock = dir + "/later.sock"
        let env = ["PIPETOP_SOCKET": sock, "PYTHONPATH": SnakemakeWorkflow.pythonPath, "XDG_STATE_HOME": dir + "/state"]
        let started = Date()
        let r = try SnakemakeWorkflow.run(["--profile", "profile"], in: dir, env: env)
        let took = Date().timeIntervalSince(started)
        print("snakemake with the plugin and no engine: \(String(format: "%.1f", took)) s")
        #expect(r.status == 1, "\(r.out)")
        #expect(!r.out.contains("pipetop:"), "the plugin said something:\n\(r.out)")

        // The next engine on that socket applies the spool, with the run's own times.
        let daemon = try startDaemon(sock, ["--db", ":memory:"], env: ["XDG_STATE_HOME": dir + "/state"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let job = SnakemakeWorkflow.jobID(dir)
        let s = try #require(try engineState(sock) { $0[job: job]?.state == .failed })
        let reported = try #require(s[job: job])
        SnakemakeWorkflow.expectReported(reported, dir: dir)
        #expect(reported.startedAt < started.timeIntervalSince1970 + took, "the spooled run keeps its own start time")
    }

    @Test func anInterruptedRunIsCanceled() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnakemakeWorkflow.write(into: dir)
        let gate = dir + "/gate"
        let env = ["PIPETOP_SOCKET": d.sock, "PYTHONPATH": SnakemakeWorkflow.pythonPath, "XDG_STATE_HOME": dir + "/state"]
        let (snakemake, out) = try SnakemakeWorkflow.start(["--profile", "profile", "--config", "gate=\(gate)"], in: dir, env: env)
        defer { if snakemake.isRunning { snakemake.terminate() } }
        let job = SnakemakeWorkflow.jobID(dir)
        // Snakemake's own start (importing its modules) takes over 5 s on a loaded machine.
        let going = try engineState(d.sock, seconds: 60) { $0[job: job]?.phase("prepare")?.state == .running }
        #expect(going?[job: job]?.phase("prepare")?.state == .running)

        // Ctrl-C: Snakemake lets the running job end, then stops.
        kill(snakemake.processIdentifier, SIGINT)
        FileManager.default.createFile(atPath: gate, contents: nil)
        #expect(SnakemakeWorkflow.waitForExit(snakemake, seconds: 60))
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("Terminating processes on user request"), "\(said)")

        let s = try #require(try engineState(d.sock) { $0[job: job]?.state == .canceled })
        let reported = try #require(s[job: job])
        #expect(reported.state == .canceled)
        #expect(reported.error == "Snakemake was stopped (interrupted)")
        #expect(reported.phase("summarize")?.state == .pending, "jobs that never ran because of the signal are not counted skipped")
    }

    @Test func aSuccessfulRunCompletes() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnakemakeWorkflow.write(into: dir)
        let env = ["PIPETOP_SOCKET": d.sock, "PYTHONPATH": SnakemakeWorkflow.pythonPath, "XDG_STATE_HOME": dir + "/state"]
        let r = try SnakemakeWorkflow.run(["--profile", "profile", "--config", "fail=none"], in: dir, env: env)
        #expect(r.status == 0, "\(r.out)")
        let job = SnakemakeWorkflow.jobID(dir)
        let s = try #require(try engineState(d.sock) { $0[job: job]?.state == .completed })
        let reported = try #require(s[job: job])
        #expect(reported.state == .completed)
        #expect(reported.phases.map(\.done) == [1, 4, 4, 1, 1])
        #expect(reported.phases.allSatisfy { $0.state == .done })
        #expect(reported.phase("summarize")?.steps["job 1"]?.state == .done, "a rule without wildcards names its step by its job id")
    }

    @Test func aBrokenPluginNeverFailsTheRun() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SnakemakeWorkflow.write(into: dir)
        // A `pipetop` package that cannot be imported, found before any installed client.
        try FileManager.default.createDirectory(atPath: dir + "/broken/pipetop", withIntermediateDirectories: true)
        try "raise ImportError('broken on purpose')\n".write(toFile: dir + "/broken/pipetop/__init__.py", atomically: true, encoding: .utf8)
        let env = ["PIPETOP_SOCKET": dir + "/none.sock", "XDG_STATE_HOME": dir + "/state",
                   "PYTHONPATH": SnakemakeWorkflow.repo + "/clients/snakemake:" + dir + "/broken"]
        let r = try SnakemakeWorkflow.run(["--profile", "profile", "--config", "fail=none"], in: dir, env: env)
        #expect(r.status == 0, "\(r.out)")
        #expect(FileManager.default.fileExists(atPath: dir + "/summary.txt"))
        #expect(r.out.contains("pipetop: this Snakemake run is not reported (any further): the pipetop Python client cannot be imported (broken on purpose)"), "\(r.out)")
    }
}
