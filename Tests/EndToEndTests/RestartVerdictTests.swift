import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// After an engine restart, the engine's own verdicts give way to what the job says.
@Suite("Restart verdicts", .serialized)
struct RestartVerdictTests {
    /// `pipetop run`'s wire talk, sent from here: job.start without pid (this process is
    /// the reporter), the phase, job.start with the child's pid. The daemon stops, the
    /// command exits 0, the daemon starts again and fails the job (its process is gone);
    /// then the job.end arrives the way a spooled one does (same id, its own `ts`) and wins.
    @Test func aJobEndDeliveredAfterTheRestartWinsOverTheEnginesVerdict() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock", db = dir + "/d.db", flag = dir + "/go"
        var daemon = try startDaemon(sock, ["--db", db, "--sample-interval", "0.2"])
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "while [ ! -e \(flag) ]; do sleep 0.05; done"]
        try child.run()
        let began = Date().timeIntervalSince1970
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [
            #"{"type":"job.start","job":"rr","name":"train","phases":["run"],"ts":\#(began)}"#,
            #"{"type":"phase.start","job":"rr","phase":"run","ts":\#(began)}"#,
            #"{"type":"job.start","job":"rr","name":"train","phases":["run"],"pid":\#(child.processIdentifier),"ts":\#(began)}"#,
        ]).isEmpty)
        c.close()
        daemon.terminate()
        daemon.waitUntilExit()

        FileManager.default.createFile(atPath: flag, contents: nil)
        child.waitUntilExit()
        let exited = Date().timeIntervalSince1970
        #expect(child.terminationStatus == 0)

        daemon = try startDaemon(sock, ["--db", db, "--sample-interval", "0.2"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let judged = try #require(try engineState(sock) { $0[job: "rr"]?.state == .failed })
        let why = judged[job: "rr"]?.error ?? ""
        #expect(why.hasPrefix("its process (pid \(child.processIdentifier)) was gone when the engine started at ") && why.contains("no job.end came; last report "), "\(why)")
        #expect(judged.alerts.sorted.contains { $0.job == "rr" && $0.kind == "job-failed" && $0.isOpen })

        let d = try EngineConnection(path: sock)
        defer { d.close() }
        #expect(try send(d, [#"{"type":"job.end","job":"rr","status":"completed","ts":\#(exited)}"#]).isEmpty)
        let s = try #require(try engineState(sock) { $0[job: "rr"]?.state == .completed })
        let job = try #require(s[job: "rr"])
        #expect(job.state == .completed && job.error == nil)
        #expect(abs((job.endedAt ?? 0) - exited) < 0.001, "ended at its own time")
        #expect(abs(job.elapsed(now: 0) - (exited - began)) < 0.01)
        #expect(job.phase("run")?.state == .done)
        #expect(!s.alerts.all.contains { $0.job == "rr" && $0.isOpen }, "no failed alert stays")
        #expect(s.history["train"]?.map(\.status) == [.completed], "one run, completed")

        // And `pipetop alerts` (reading the engine) shows nothing open for it.
        let r = try runPipetop(["alerts", "--socket", sock])
        #expect(r.status == 0 && !r.out.contains("rr/"), "\(r.out)")
    }

    /// `pipetop emit job.start` from a one-line shell (a Makefile recipe): the shell exits at
    /// once; that is not the job ending. `pid=$$` names it, and then it is.
    @Test func anEmitFromAOneLineShellNeverMakesTheJobLost() throws {
        let d = try Daemon()
        for (job, extra) in [("mk", ""), ("named", " pid=$$")] {
            let r = try runProcess("/bin/sh", ["-c", "'\(pipetopBinary)' emit job.start --socket '\(d.sock)' --job \(job)\(extra)"])
            #expect(r.status == 0, "\(r.err)")
        }
        // Lost takes the grace (5 s) after the sampler first sees the shell gone.
        var s = PipelineState()
        let deadline = Date().addingTimeInterval(20)
        repeat {
            s = try engineState(d.sock) ?? s
        } while !s.alerts.all.contains(where: { $0.job == "named" && $0.kind == "rule:lost" }) && Date() < deadline
        #expect(s.alerts.all.contains { $0.job == "named" && $0.kind == "rule:lost" }, "the named shell is gone: lost")
        #expect(!s.alerts.all.contains { $0.job == "mk" && $0.kind == "rule:lost" })
        #expect(s[job: "mk"]?.pid == nil && s[job: "mk"]?.samplePid != nil && s[job: "mk"]?.lostAt == nil)
    }
}
