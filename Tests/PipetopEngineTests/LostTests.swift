import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine

/// `lost` over a real socket with the real sampler: only for a process the job named, and
/// never for one whose job.end comes right after it exits.
@Suite("Lost: only what was seen", .serialized)
struct LostTests {
    final class SampledEngine {
        let dir = NSTemporaryDirectory() + "pt-\(UUID().uuidString.prefix(8))"
        var path: String { dir + "/e.sock" }
        let server: EngineServer
        var engine: Engine { server.engine }
        init(interval: Double) throws {
            server = EngineServer(engine: Engine(), socketPath: dir + "/e.sock", threads: 2, sampleInterval: interval)
            try server.start()
        }
        deinit {
            server.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }

        /// Waits (up to `seconds`) until the state satisfies `ok`.
        func wait(_ seconds: Double, _ ok: (PipelineState) -> Bool) -> PipelineState {
            let deadline = Date().addingTimeInterval(seconds)
            var s = engine.snapshot().state
            while !ok(s) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
                s = engine.snapshot().state
            }
            return s
        }
    }

    static func lost(_ s: PipelineState, _ job: String) -> [Alert] { s.alerts.all.filter { $0.job == job && $0.kind == "rule:lost" } }

    /// A `sleep 60` started with posix_spawn (Foundation's Process reaps its children one at
    /// a time with a blocking wait: thirty of them ending at once took a minute to reap).
    static func sleeper() throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("60"), nil]
        defer { for a in argv { free(a) } }
        let rc = posix_spawn(&pid, "/bin/sleep", nil, nil, argv, environ)
        guard rc == 0 else { throw ClientError("cannot start sleep: \(String(cString: strerror(rc)))") }
        return pid
    }

    static func end(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// 30 named processes end; each job.end follows 0 to 2.9 s later (`pipetop run` waits up
    /// to a second for its command's last output). The sampler, reading every 20 ms, sees
    /// them gone first; none may be called lost. A control job whose job.end never comes is.
    @Test func aJobEndRightAfterTheNamedProcessEndsIsNeverLost() throws {
        let e = try SampledEngine(interval: 0.02)
        let c = try EngineConnection(path: e.path)
        defer { c.close() }
        let n = 30
        let children = try (0..<n).map { _ in try Self.sleeper() }
        let control = try Self.sleeper()
        var lines = children.enumerated().map { k, p in #"{"type":"job.start","job":"r\#(k)","phases":["run"],"pid":\#(p)}"# }
        lines.append(#"{"type":"job.start","job":"control","pid":\#(control)}"#)
        #expect(try send(c, lines).isEmpty)
        for p in children + [control] { Self.end(p) }
        let exited = Date()
        for k in 0..<n {
            let due = exited.addingTimeInterval(Double(k) * 0.1)
            if due > Date() { Thread.sleep(until: due) }
            try c.send(#"{"type":"job.end","job":"r\#(k)","status":"completed"}"# + "\n")
        }
        _ = try c.sync()
        let s = e.wait(20) { !Self.lost($0, "control").isEmpty }
        #expect(Self.lost(s, "control").count == 1, "the control job, whose job.end never came, is lost")
        for k in 0..<n {
            #expect(s[job: "r\(k)"]?.state == .completed)
            #expect(Self.lost(s, "r\(k)").isEmpty, "r\(k) was called lost")
        }
        // The race was real: the sampler saw most of them gone before their job.end.
        let seenGone = (0..<n).filter { s[job: "r\($0)"]?.pidGoneAt != nil }.count
        print("lost race: \(seenGone) of \(n) processes seen gone before their job.end; none lost")
        #expect(seenGone >= n / 2, "only \(seenGone) of \(n) were seen gone before job.end")
    }

    /// A reporter that sends job.start and exits (socat, a client in a worker) is sampled,
    /// never watched; `"pid": null` asks for nothing at all. The control names its own pid.
    @Test func aShortLivedReporterNeverMakesTheJobLost() throws {
        let e = try SampledEngine(interval: 0.05)
        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        client.arguments = ["python3", "-c", """
            import os, socket, sys
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
            s.sendall(b'{"type":"job.start","job":"short"}\\n{"type":"job.start","job":"nopid","pid":null}\\n'
                      + b'{"type":"job.start","job":"named","pid":%d}\\n' % os.getpid()
                      + b'{"type":"phase.start","job":"named","phase":"load"}\\n{"type":"sync","id":1}\\n')
            s.recv(100)
            """, e.path]
        try client.run()
        client.waitUntilExit()
        #expect(client.terminationStatus == 0)
        let s = e.wait(20) { !Self.lost($0, "named").isEmpty }
        #expect(Self.lost(s, "named").count == 1, "the job that named the process is lost")
        let message = Self.lost(s, "named").first?.message ?? ""
        #expect(message.contains("its process (pid \(client.processIdentifier)) was gone at ") && message.contains("and no job.end came"), "\(message)")
        #expect(Self.lost(s, "short").isEmpty && s[job: "short"]?.lostAt == nil)
        #expect(s[job: "short"]?.samplePid == client.processIdentifier && s[job: "short"]?.pid == nil)
        #expect(Self.lost(s, "nopid").isEmpty && s[job: "nopid"]?.pid == nil && s[job: "nopid"]?.samplePid == nil)
        // `pipetop status` counts the lost job lost, not running (its state is still running).
        let jobs = e.engine.health().jobs
        #expect(s[job: "named"]?.state == .running && jobs["lost"] == 1 && jobs["running"] == 2, "\(jobs)")
        // And so does /metrics.
        let metrics = MetricsExposition.text(BoardProjector.board(s, now: e.engine.clock.now()), counters: .init(applied: 0, refused: 0, subscribers: 0))
        #expect(metrics.contains(#"pipetop_engine_jobs{state="lost"} 1"#) && metrics.contains(#"pipetop_engine_jobs{state="running"} 2"#), "\(metrics)")
        // Its info says lost too, and so does its phase that was running, never running.
        let lines = metrics.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix(#"pipetop_job_info{job_id="named","#) && $0.hasSuffix(#",state="lost"} 1"#) }, "\(metrics)")
        #expect(lines.contains { $0.hasPrefix(#"pipetop_phase_info{job_id="named","#) && $0.hasSuffix(#",phase="load",state="lost"} 1"#) }, "\(metrics)")
        #expect(lines.contains { $0.hasPrefix(#"pipetop_job_info{job_id="short","#) && $0.hasSuffix(#",state="running"} 1"#) }, "\(metrics)")
    }
}
