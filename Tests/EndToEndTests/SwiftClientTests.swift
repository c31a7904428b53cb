import Foundation
import Testing
@testable import PipetopClient
import PipetopCore
import PipetopWire

/// The Swift reporting API against a real engine. Serialized: the process has one sender,
/// which follows $PIPETOP_SOCKET.
@Suite("Swift client", .serialized)
struct SwiftClientTests {
    struct Boom: Error, CustomStringConvertible { var description: String { "bad row 3" } }

    @Test func aJobItsPhasesAndAFailureReachTheEngine() throws {
        let d = try Daemon()
        // Not through the environment: other suites start children at the same time.
        PipetopReport.socket = d.sock
        defer { PipetopReport.socket = nil }
        // What advance() costs is a benchmark's figure (pipetop-bench clients), not a test's.
        let n = 2_000_000
        PipetopReport.job("import", phases: ["fetch", "load"], id: "swift-imp") { job in
            job.phase("fetch", total: n) { ph in
                for _ in 0..<n { ph.advance() }
                ph.step("page 3", .done, detail: "400 rows")
            }
            job.checkpoint("fetched", data: .object([("page", .int(3))]))
            job.metric("rows_rejected", 7)
            job.log("fetch finished", level: .warn)
        }
        #expect(throws: Boom.self) {
            try PipetopReport.job("etl", id: "swift-etl") { job in
                try job.phase("parse", total: 5) { ph in
                    ph.advance(2)
                    throw Boom()
                }
            }
        }
        let s = try #require(try engineState(d.sock) { $0[job: "swift-imp"]?.state == .completed && $0[job: "swift-etl"]?.state == .failed })
        let imp = try #require(s[job: "swift-imp"])
        #expect(imp.state == .completed && imp.phase("fetch")?.done == n && imp.phase("load")?.state == .skipped)
        #expect(imp.phase("fetch")?.steps["page 3"]?.state == .done)
        #expect(imp.checkpoints.first?.name == "fetched" && imp.metrics.first?.value == 7)
        let etl = try #require(s[job: "swift-etl"])
        #expect(etl.state == .failed && etl.error == "bad row 3" && etl.phase("parse")?.state == .failed && etl.phase("parse")?.done == 2)
    }

    /// A job ended canceled leaves its running phase to the engine, which ends it canceled (not
    /// failed, no red), with the counts the phase reached and its running step canceled.
    @Test func cancelingAJobCancelsItsRunningPhaseNotFailsIt() throws {
        let d = try Daemon()
        PipetopReport.socket = d.sock
        defer { PipetopReport.socket = nil }
        let job = Job("import", phases: ["fetch", "load"], id: "swift-cancel").start()
        let ph = job.phase("fetch", total: 10).start()
        ph.advance(4)
        ph.step("page 5")
        job.end(status: .canceled, error: "interrupted")
        let s = try #require(try engineState(d.sock) { $0[job: "swift-cancel"]?.state == .canceled })
        let fetch = try #require(s[job: "swift-cancel"]?.phase("fetch"))
        #expect(fetch.state == .canceled && fetch.error == nil, "\(fetch.state) \(String(describing: fetch.error))")
        #expect(fetch.done == 4)
        #expect(fetch.steps["page 5"]?.state == .canceled)
        #expect(s[job: "swift-cancel"]?.phase("load")?.state == .pending)
    }

    /// `step` offers the states a producer may send, each one the engine takes; not `canceled`
    /// (the engine's word for a canceled job's running steps, which a step event may not say).
    @Test func stepOffersOnlyTheStatesTheEngineTakes() throws {
        #expect(ReportedStepState.allCases.map(\.rawValue) == ["running", "done", "failed"])
        for s in ReportedStepState.allCases {
            #expect(s.state.rawValue == s.rawValue)
            let line = EventEncoder.line(Event(job: "j", .step(.init(phase: "p", step: "s", state: s.state))))
            guard case .success(.event) = EventDecoder.decode(line) else { Issue.record("the engine refuses \(s): \(line)"); continue }
        }
    }

    /// A phase's end offers what a producer may send, each one the engine takes; not `canceled`.
    @Test func phaseEndOffersOnlyTheStatusesTheEngineTakes() throws {
        #expect(ReportedPhaseEnd.allCases.map(\.rawValue) == ["done", "failed", "skipped"])
        for s in ReportedPhaseEnd.allCases {
            #expect(s.state.rawValue == s.rawValue)
            let line = EventEncoder.line(Event(job: "j", .phaseEnd(.init(phase: "p", status: s.state))))
            guard case .success(.event) = EventDecoder.decode(line) else { Issue.record("the engine refuses \(s): \(line)"); continue }
        }
    }

    /// Failed and skipped counts (CryoProtect's update(success:error:) too), alerts with labels
    /// and context, a pause, a log category, and resume() reading the checkpoint just sent.
    @Test func countsAlertsStateAndResume() throws {
        let d = try Daemon()
        PipetopReport.socket = d.sock
        defer { PipetopReport.socket = nil }
        #expect(PipetopReport.resume("swift-cryo") == nil)
        PipetopReport.job("import", id: "swift-cryo") { job in
            job.phase("chembl", total: 10) { ph in
                ph.advance(5)
                ph.advance(0, failed: 1)
                ph.advance(0, skipped: 1)
                ph.update(increment: 1, success: 1, error: 0)
                ph.update(increment: 1, success: 0, error: 1, errorCategory: "NETWORK")
            }
            job.checkpoint("batch_complete", data: .object([("batch_id", .int(7))]))
            job.alert("schema drift in orders.csv", severity: .critical, name: "drift", labels: ["owner": "ana"],
                      context: .object([("column", .string("total"))]))
            job.state(.paused)
            job.state(.running)
            // Asked on the sender's own connection, after what it sent: the checkpoint is there.
            // (A wait longer than the client's 2 s default: on a loaded CI machine the answer
            // once came later, and resume said nil.)
            #expect(PipetopReport.resume("swift-cryo", timeout: 15) == .object([("batch_id", .int(7))]))
        }
        let s = try #require(try engineState(d.sock) { $0[job: "swift-cryo"]?.state == .completed })
        let job = try #require(s[job: "swift-cryo"])
        let p = try #require(job.phase("chembl"))
        #expect(p.done == 6 && p.failed == 2 && p.skipped == 1, "\(p)")
        #expect(job.logs.contains { $0.category == "NETWORK" && $0.level == .warn && $0.phase == "chembl" }, "\(job.logs)")
        #expect(job.pause != nil, "job.state paused never reached the engine")
        let alert = try #require(s.alerts.all.first { $0.job == "swift-cryo" && $0.kind == "event:drift" }, "\(s.alerts.all)")
        #expect(alert.severity == .critical && alert.labels?["owner"] == "ana" && alert.context?["column"] == .string("total"), "\(alert)")
    }

    @Test func resumeWithNoEngineIsNil() throws {
        PipetopReport.socket = "/tmp/pt-nobody-\(UUID().uuidString.prefix(6)).sock"
        defer { PipetopReport.socket = nil }
        #expect(PipetopReport.resume("anything") == nil)
    }

    @Test func noEngineMeansNoErrorAndNoWait() throws {
        _ = pipetopBinary  // the harness's private spool: what this job leaves goes there
        PipetopReport.socket = "/tmp/pt-nobody-\(UUID().uuidString.prefix(6)).sock"
        defer { PipetopReport.socket = nil }
        let t = Date()
        PipetopReport.job("alone") { job in
            job.phase("p", total: 3) { $0.advance(3) }
            job.log("hello")
        }
        #expect(Date().timeIntervalSince(t) < 1.5)
    }

    /// No engine while the job runs: it goes to the spool when it ends, and the next engine on
    /// the socket records it with the phase durations it had (from each event's time).
    @Test func withNoEngineTheJobIsSpooledAndDeliveredLater() throws {
        let p = try PrivatePlace()
        setenv("XDG_STATE_HOME", p.state, 1)  // the sender's spool, read when the job ends
        defer { setenv("XDG_STATE_HOME", "/tmp/pt-state-\(getpid())", 1) }
        PipetopReport.socket = p.sock
        defer { PipetopReport.socket = nil }
        PipetopReport.job("spooled", phases: ["fetch", "load"], id: "swift-spooled") { job in
            job.phase("fetch", total: 2) { ph in ph.advance(2); Thread.sleep(forTimeInterval: 0.5) }
            job.phase("load", total: 1) { ph in ph.advance(); Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(p.spooled.last?.contains("job.end") == true, "\(p.spooled)")
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        let s = try #require(try engineState(p.sock) { $0[job: "swift-spooled"]?.state == .completed })
        let job = try #require(s[job: "swift-spooled"])
        #expect(job.state == .completed)
        let fetch = try #require(job.phase("fetch")), load = try #require(job.phase("load"))
        #expect(fetch.done == 2 && (fetch.endedAt ?? 0) - (fetch.startedAt ?? 0) >= 0.5, "\(fetch)")
        #expect((load.endedAt ?? 0) - (load.startedAt ?? 0) >= 0.2, "\(load)")
    }

    /// Nobody listening at the socket path (a socket file an engine killed with SIGKILL left,
    /// or a regular file): each job's end spools at once (it waited 1 s each for a connection
    /// that could not come), and the next engine on the socket gets all five.
    @Test(arguments: ["stale socket", "regular file"])
    func withAStaleSocketFileJobsEndAtOnceAndTheNextEngineGetsThem(leftover: String) throws {
        let p = try PrivatePlace()
        if leftover == "stale socket" { try staleSocket(p.sock) } else { FileManager.default.createFile(atPath: p.sock, contents: nil) }
        setenv("XDG_STATE_HOME", p.state, 1)  // the sender's spool, read when the job ends
        defer { setenv("XDG_STATE_HOME", "/tmp/pt-state-\(getpid())", 1) }
        PipetopReport.socket = p.sock
        defer { PipetopReport.socket = nil }
        let t = Date()
        for i in 0..<5 {
            PipetopReport.job("stale \(i)", phases: ["p"], id: "swift-stale-\(i)") { job in
                job.phase("p", total: 2) { $0.advance(2) }
            }
        }
        let took = Date().timeIntervalSince(t)
        #expect(took < 0.5, "5 jobs took \(took) s with a \(leftover) at the socket path")
        print("swift client: 5 jobs with a \(leftover) at the socket path: \(Int(took * 1000)) ms")
        #expect(p.spooled.filter { $0.contains(#""type":"job.end""#) }.count == 5, "\(p.spooled)")
        if leftover == "regular file" { unlink(p.sock) }  // an engine replaces only a stale socket
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        let s = try #require(try engineState(p.sock) { s in (0..<5).allSatisfy { s[job: "swift-stale-\($0)"]?.state == .completed } })
        #expect(s[job: "swift-stale-4"]?.phase("p")?.done == 2)
    }
}
