import Foundation
import Testing
@testable import PipetopClient
import PipetopCore

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
}
