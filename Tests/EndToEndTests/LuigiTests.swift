import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// Luigi runs (clients/python/pipetop/luigi) reported by the real luigi to a real engine, with
/// no change to the pipeline's tasks.
@Suite("Luigi", .serialized)
struct LuigiTests {
    @Test func aFailedTaskFailsTheJobThoughLuigiExitsZero() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["PIPETOP_SOCKET": d.sock, "XDG_STATE_HOME": dir + "/state", "PIPELINE_FAIL": "Clean"]
        let r = try LuigiPipeline.reported([], in: dir, env: env)
        #expect(r.status == 0, "luigi exits 0 on a failed task by default, with pipetop as without:\n\(r.out)")
        #expect(r.out.contains("This progress looks :( because there were failed tasks"), "\(r.out)")
        #expect(!r.out.contains("pipetop:"), "pipetop said something:\n\(r.out)")
        let s = try #require(try engineState(d.sock) { $0[job: "luigi:Report"]?.state == .failed })
        let job = try #require(s[job: "luigi:Report"], "no luigi job in the engine; luigi said:\n\(r.out)")
        LuigiPipeline.expectFailedRun(job, parts: 1)
        #expect(job.pid != nil, "the luigi process is watched and sampled")

        // What the docs say makes luigi's own exit status tell it.
        try FileManager.default.removeItem(atPath: dir + "/fetch-1.txt")
        let told = try LuigiPipeline.reported(["--retcode-task-failed", "3"], in: dir, env: env)
        #expect(told.status == 3, "\(told.out)")
    }

    @Test func aSuccessfulRunCompletes() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["PIPETOP_SOCKET": d.sock, "XDG_STATE_HOME": dir + "/state"]
        let r = try LuigiPipeline.reported(["--pipetop-name", "nightly"], parts: 2, in: dir, env: env)
        #expect(r.status == 0, "\(r.out)")
        let s = try #require(try engineState(d.sock) { $0[job: "luigi:nightly"]?.state == .completed })
        let job = try #require(s[job: "luigi:nightly"], "luigi said:\n\(r.out)")
        #expect(job.name == "nightly")
        #expect(job.phases.map(\.id) == LuigiPipeline.families)
        #expect(job.phases.map(\.done) == [2, 1, 1])
        #expect(job.phases.allSatisfy { $0.state == .done })
        #expect(job.phase("Report")?.steps["parts=2"]?.state == .done)
    }

    @Test func twoWorkersCountEveryTaskOnce() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = ["PIPETOP_SOCKET": d.sock, "XDG_STATE_HOME": dir + "/state", "PIPELINE_FAIL": "Clean"]
        let r = try LuigiPipeline.reported(["--workers", "2"], parts: 4, in: dir, env: env)
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.contains("workers=2"), "luigi ran its tasks in two worker processes:\n\(r.out)")
        let s = try #require(try engineState(d.sock) { $0[job: "luigi:Report"]?.state == .failed })
        let job = try #require(s[job: "luigi:Report"], "luigi said:\n\(r.out)")
        LuigiPipeline.expectFailedRun(job, parts: 4)
    }

    @Test func theLuigiCommandReportsWhenTheTasksImportPipetop() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A tasks module that imports the client (for its own progress, say): plain `luigi` is reported.
        try "import pipetop\nfrom luigi_pipeline import Fetch, Clean, Report\n".write(toFile: dir + "/mytasks.py", atomically: true, encoding: .utf8)
        let env = ["PIPETOP_SOCKET": d.sock, "XDG_STATE_HOME": dir + "/state", "PIPELINE_FAIL": "Clean",
                   "PYTHONPATH": LuigiPipeline.pythonPath + ":" + dir]
        let r = try LuigiPipeline.run("luigi", ["--module", "mytasks", "Report", "--local-scheduler"], in: dir, env: env)
        #expect(r.status == 0, "\(r.out)")
        let s = try #require(try engineState(d.sock) { $0[job: "luigi:Report"]?.state == .failed })
        let job = try #require(s[job: "luigi:Report"], "luigi said:\n\(r.out)")
        LuigiPipeline.expectFailedRun(job, parts: 1)
    }

    @Test func withoutAnEngineTheRunIsKeptForTheNextOne() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/later.sock"
        let env = ["PIPETOP_SOCKET": sock, "XDG_STATE_HOME": dir + "/state", "PIPELINE_FAIL": "Clean"]
        let started = Date()
        let r = try LuigiPipeline.reported(["--workers", "2"], parts: 2, in: dir, env: env)
        let took = Date().timeIntervalSince(started)
        #expect(r.status == 0, "\(r.out)")
        #expect(!r.out.contains("pipetop:"), "pipetop said something:\n\(r.out)")

        let daemon = try startDaemon(sock, ["--db", ":memory:"], env: ["XDG_STATE_HOME": dir + "/state"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let s = try #require(try engineState(sock) { $0[job: "luigi:Report"]?.state == .failed })
        let job = try #require(s[job: "luigi:Report"])
        LuigiPipeline.expectFailedRun(job, parts: 2)
        #expect(job.startedAt < started.timeIntervalSince1970 + took, "the spooled run keeps its own start time")
    }

    @Test func anInterruptedRunIsCanceled() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gate = dir + "/gate"
        let env = ["PIPETOP_SOCKET": d.sock, "XDG_STATE_HOME": dir + "/state", "PIPELINE_GATE": gate,
                   "PYTHONPATH": LuigiPipeline.pythonPath]
        let (luigi, out) = try LuigiPipeline.start("python", ["-m", "pipetop.luigi", "--module", "luigi_pipeline", "Report", "--local-scheduler"],
                                                   in: dir, env: env)
        defer { if luigi.isRunning { luigi.terminate() } }
        let going = try engineState(d.sock) { $0[job: "luigi:Report"]?.phase("Fetch")?.steps["part=1"]?.state == .running }
        #expect(going?[job: "luigi:Report"]?.phase("Fetch")?.state == .running)
        kill(luigi.processIdentifier, SIGINT)  // Ctrl-C while Fetch waits at the gate
        #expect(SnakemakeWorkflow.waitForExit(luigi, seconds: 30))
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let s = try #require(try engineState(d.sock) { $0[job: "luigi:Report"]?.state == .canceled })
        let job = try #require(s[job: "luigi:Report"], "luigi said:\n\(said)")
        #expect(job.state == .canceled)
        #expect(job.error == "luigi was interrupted")
        #expect(job.phase("Report")?.state == .pending, "tasks that never ran because of the signal are not counted skipped")
    }

    @Test func pytestOfTheMappingPasses() throws {
        let bin = try LuigiPipeline.bin()
        let r = try runProcess(bin + "/python", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                                                 LuigiPipeline.repo + "/clients/python/tests/test_luigi.py"],
                               env: ["PIPETOP_BIN": pipetopBinary])
        #expect(r.status == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("passed") && !r.out.contains("skipped"), "\(r.out)")
    }
}
