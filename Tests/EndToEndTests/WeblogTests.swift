import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine

/// `pipetop daemon --weblog`: Nextflow's weblog events, built from its own field names, POSTed
/// over real HTTP into the real engine.
@Suite("Nextflow weblog", .serialized)
struct WeblogTests {
    /// A daemon with the weblog (and /metrics when `metricsToo`) on one loopback port.
    final class WeblogDaemon {
        let dir: String, sock: String, port: UInt16, process: Process
        init(metricsToo: Bool = false) throws {
            dir = try scratchDir()
            sock = dir + "/d.sock"
            port = try freePort()
            process = try startDaemon(sock, ["--sample-interval", "0", "--weblog", "\(port)"] + (metricsToo ? ["--metrics", "127.0.0.1:\(port)"] : []))
            // The HTTP listener starts just after the socket.
            _ = poll(seconds: 10) { acceptsConnections(port: port) }
        }
        deinit {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// POSTs each event on one connection, as Nextflow's agent sends them (one after another),
    /// expecting 200 with an empty body for each.
    func post(_ events: [String], to port: UInt16) throws {
        let c = try HTTPConnection(port: port)
        for e in events {
            let a = c.post("/", e)
            #expect(a?.status == 200 && a?.body == "", "\(String(describing: a)) for \(e.prefix(120))")
        }
    }

    @Test func aRecordedRunWithARetriedTaskIsOneCompletedJob() throws {
        let d = try WeblogDaemon()
        var nf = NextflowWeblog(runName: "happy_turing")
        try post([
            nf.started(),
            nf.submitted(1, "INDEX", nil), nf.running(1, "INDEX", nil), nf.completed(1, "INDEX", nil),
            nf.submitted(2, "QUANT", "s1"), nf.submitted(3, "QUANT", "s2"),
            nf.running(2, "QUANT", "s1"), nf.running(3, "QUANT", "s2"),
            nf.completed(2, "QUANT", "s1"),
            // s2's first attempt fails; errorStrategy 'retry' runs it again as a new task.
            nf.failed(3, "QUANT", "s2", action: "RETRY"),
            nf.submitted(4, "QUANT", "s2", attempt: 2), nf.running(4, "QUANT", "s2", attempt: 2),
            nf.completed(4, "QUANT", "s2", attempt: 2),
            nf.finished(success: true),
        ], to: d.port)
        let id = WeblogRun.jobID(runName: "happy_turing", runId: nf.runId)
        let s = try #require(try engineState(d.sock) { $0[job: id]?.state.isTerminal == true })
        let job = try #require(s[job: id], "no job \(id)")
        #expect(job.state == .completed)
        #expect(job.name == "happy_turing")
        #expect(job.labels["pipeline"] == "rnaseq-mini" && job.labels["tool"] == "nextflow")
        #expect(job.phases.map(\.id) == ["INDEX", "QUANT"], "processes become phases in the order they appeared")
        let index = try #require(job.phase("INDEX")), quant = try #require(job.phase("QUANT"))
        #expect(index.state == .done && index.done == 1 && index.total == 1)
        #expect(quant.state == .done && quant.done == 2 && quant.failed == 0 && quant.total == 2, "\(quant.done)/\(quant.total ?? -1), \(quant.failed) failed")
        #expect(quant.steps.items.map(\.id).sorted() == ["s1", "s2"], "tasks are steps named by their tag")
        #expect(quant.steps.items.allSatisfy { $0.state == .done })
        #expect(index.steps.items.map(\.id) == ["INDEX (1)"], "an untagged task is named by process and index")
        #expect(quant.steps.items.first { $0.id == "s1" }?.detail?.contains("181% CPU") == true)
        // The retry is told, as a warning, and is no failure.
        #expect(job.logs.contains { $0.level == .warn && $0.message.contains("attempt 1 failed (exit 1); Nextflow retries it") })
        #expect(job.errorCount == 0)
        #expect(!s.alerts.all.contains { $0.job == id && ($0.kind == "job-failed" || $0.kind == "phase-failed" || $0.kind == "error-log") },
                "\(s.alerts.all.map(\.message))")
    }

    @Test func aTaskThatFailsForGoodFailsTheJobWithNextflowsReason() throws {
        let d = try WeblogDaemon()
        var nf = NextflowWeblog(runName: "sad_curie")
        let reason = "Process `QUANT (s3)` terminated with an error exit status (137)"
        try post([
            nf.started(),
            nf.submitted(1, "QUANT", "s1"), nf.submitted(2, "QUANT", "s3"),
            nf.completed(1, "QUANT", "s1"),
            nf.failed(2, "QUANT", "s3", exit: 137, action: "TERMINATE"),
            nf.error(2, "QUANT", "s3", exit: 137),
            nf.finished(success: false, errorMessage: reason),
        ], to: d.port)
        let id = WeblogRun.jobID(runName: "sad_curie", runId: nf.runId)
        let s = try #require(try engineState(d.sock) { $0[job: id]?.state.isTerminal == true })
        let job = try #require(s[job: id])
        #expect(job.state == .failed)
        #expect(job.error == reason)
        let quant = try #require(job.phase("QUANT"))
        #expect(quant.state == .failed && quant.failed == 1 && quant.done == 1)
        #expect(quant.steps.items.first { $0.id == "s3" }?.state == .failed)
        #expect(quant.steps.items.first { $0.id == "s3" }?.detail == "failed (exit 137)")
        #expect(job.logs.contains { $0.level == .error && $0.message.contains("Nextflow stopped the run on an error: QUANT (s3) failed (exit 137)") })
        #expect(s.alerts.all.contains { $0.job == id && $0.kind == "job-failed" && $0.message.contains("exit status (137)") })
    }

    @Test func badBodiesAreAnsweredWithASentenceAndTheConnectionServesOn() throws {
        let d = try WeblogDaemon()
        let c = try HTTPConnection(port: d.port)
        let garbage = c.post("/", "this is not json")
        #expect(garbage?.status == 400)
        #expect(garbage?.body.hasPrefix("the body is not JSON") == true, "\(String(describing: garbage))")
        let noRun = c.post("/", #"{"event":"started"}"#)
        #expect(noRun?.status == 400 && noRun?.body.contains("has no runName") == true, "\(String(describing: noRun))")
        let array = c.post("/", "[1,2]")
        #expect(array?.status == 400 && array?.body.contains("JSON array") == true)
        // The same connection takes a good event next.
        var nf = NextflowWeblog(runName: "calm_noether")
        #expect(c.post("/", nf.started())?.status == 200)
        let id = WeblogRun.jobID(runName: "calm_noether", runId: nf.runId)
        #expect(try engineState(d.sock) { $0[job: id] != nil }?[job: id]?.state == .running)

        // Past the cap: 413, said before the body is read, and the connection ends.
        let big = try HTTPConnection(port: d.port)
        big.send("POST", "/", body: Array(repeating: UInt8(ascii: " "), count: 1024), declaredLength: HTTPListener.maxBodyBytes + 1)
        let refused = big.answer()
        #expect(refused?.status == 413 && refused?.body.contains("larger than pipetop takes") == true, "\(String(describing: refused))")
        #expect(big.answer(within: 2) == nil, "the connection closed")
    }

    @Test func truncatedAndGarbledBodiesNeverHurtTheEngine() throws {
        let d = try WeblogDaemon()
        var nf = NextflowWeblog(runName: "odd_hopper")
        let samples = [nf.started(), nf.submitted(1, "QUANT", "s1"), nf.completed(1, "QUANT", "s1"), nf.finished(success: true)]
        var rng = SystemRandomNumberGenerator()
        let c = try HTTPConnection(port: d.port)
        var answered = 0
        for round in 0..<300 {
            var bytes = Array(samples[round % samples.count].utf8)
            switch round % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            case 1: for _ in 0..<4 { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            default: bytes.insert(contentsOf: Array(#"{"runName":{"#.utf8), at: Int.random(in: 0..<bytes.count, using: &rng))
            }
            c.send("POST", "/", body: bytes)
            guard let a = c.answer() else { Issue.record("no answer in round \(round)"); break }
            #expect([200, 400, 422].contains(a.status), "\(a)")
            if a.status == 400 { #expect(!a.body.isEmpty && a.body.hasSuffix("\n")) }
            answered += 1
        }
        #expect(answered == 300)
        // The engine still serves its socket and the weblog.
        var after = NextflowWeblog(runName: "after_all")
        #expect(try HTTPConnection(port: d.port).post("/", after.started())?.status == 200)
        #expect(try engineState(d.sock) { $0.jobs.values.contains { $0.name == "after_all" } }?.jobs.values.contains { $0.name == "after_all" } == true)
    }

    @Test func aRunGoesOnIntoTheSameJobAfterTheEngineRestarts() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock", port = try freePort()
        let args = ["--sample-interval", "0", "--db", dir + "/d.db", "--weblog", "\(port)"]
        var nf = NextflowWeblog(runName: "steady_lamarr")
        let first = try startDaemon(sock, args)
        _ = poll(seconds: 10) { acceptsConnections(port: port) }
        try post([nf.started(), nf.submitted(1, "QUANT", "s1"), nf.submitted(2, "QUANT", "s2"), nf.completed(1, "QUANT", "s1")], to: port)
        first.terminate()
        first.waitUntilExit()
        let second = try startDaemon(sock, args)
        defer { second.terminate(); second.waitUntilExit() }
        _ = poll(seconds: 10) { acceptsConnections(port: port) }
        try post([nf.completed(2, "QUANT", "s2"), nf.finished(success: true)], to: port)
        let id = WeblogRun.jobID(runName: "steady_lamarr", runId: nf.runId)
        let job = try #require(try engineState(sock) { $0[job: id]?.state.isTerminal == true }?[job: id])
        #expect(job.state == .completed)
        let quant = try #require(job.phase("QUANT"))
        #expect(quant.done == 2 && quant.total == 2 && quant.state == .done, "\(quant.done)/\(quant.total ?? -1) \(quant.state)")
    }

    @Test func aBadAddressIsRefusedInASentence() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runPipetop(["daemon", "--socket", dir + "/d.sock", "--weblog", "nine"])
        #expect(r.status != 0)
        #expect(r.err.contains("pipetop daemon: --weblog wants HOST:PORT or PORT, e.g. 127.0.0.1:9464 or 9464 (got nine)"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/d.sock"), "the engine stopped and took its socket away")
    }

    @Test func metricsAndWeblogShareOnePort() throws {
        let d = try WeblogDaemon(metricsToo: true)
        var nf = NextflowWeblog(runName: "shared_port")
        try post([nf.started(), nf.submitted(1, "QUANT", "s1")], to: d.port)
        let id = WeblogRun.jobID(runName: "shared_port", runId: nf.runId)
        _ = try engineState(d.sock) { $0[job: id] != nil }
        let m = httpGet("http://127.0.0.1:\(d.port)/metrics")
        #expect(m.status == 200)
        #expect(m.body.contains(#"pipetop_phase_items{job_id="\#(id)",pipeline="rnaseq-mini",phase="QUANT"} 1"#), "\(m.body.prefix(2000))")
        let other = httpGet("http://127.0.0.1:\(d.port)/nothing")
        #expect(other.status == 404 && other.body.contains("GET /metrics and Nextflow's weblog (POST)"))
    }
}
