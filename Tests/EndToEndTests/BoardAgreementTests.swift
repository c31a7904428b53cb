import Foundation
import Testing
@testable import PipetopClient
import PipetopWire
import PipetopCore

/// `report --format json` and `/metrics` read one Board: the same figures, also for a
/// producer whose clock is ten minutes behind the engine's (judged on its own clock, it is
/// neither stalled nor ten minutes older than it is).
@Suite("One Board for every viewer", .serialized)
struct BoardAgreementTests {
    @Test func reportAndMetricsAgreeForASkewedProducer() throws {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort()
        let daemon = try startDaemon(sock, ["--sample-interval", "0", "--metrics", "127.0.0.1:\(port)", "--db", dir + "/p.db"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        // 60 s of work at 10 items/s, all of it stamped ten minutes in the past.
        let start = Date().timeIntervalSince1970 - 600 - 60
        var lines = [#"{"type":"job.start","job":"skewed","name":"skewed","phases":["load"],"ts":\#(start)}"#,
                     #"{"type":"phase.start","job":"skewed","phase":"load","total":1000,"ts":\#(start)}"#]
        for i in 1...60 { lines.append(#"{"type":"progress","job":"skewed","phase":"load","done":\#(i * 10),"ts":\#(start + Double(i))}"#) }
        #expect(try send(c, lines).isEmpty)

        // Wait until the engine has an estimate to show (it refreshes about once a second).
        var report: JSONValue?
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let r = try runPipetop(["report", "--format", "json", "--socket", sock])
            let v = try JSONParser.parse(r.out)
            if let eta = v["jobs"]?[0]?["eta"], eta != .null { report = v; break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let job = try #require(report?["jobs"]?[0], "no estimate within 15 s")
        let metrics = httpGet("http://127.0.0.1:\(port)/metrics").body
        func metric(_ name: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(name + "{") && $0.contains(#"job_id="skewed""#) }
                .flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        // Not stalled: the last report is seconds old on the producer's clock.
        #expect(job["eta"]?["stalled_s"] == .null, "\(job)")
        #expect(metric("pipetop_job_stalled") == 0, "\(metrics)")
        // Elapsed on the producer's clock: about 60 s, not 660 s.
        let reported = try #require(job["duration_s"]?.number)
        let scraped = try #require(metric("pipetop_job_duration_seconds"))
        #expect(reported > 55 && reported < 90, "\(reported)")
        #expect(abs(reported - scraped) < 5, "report \(reported) s, /metrics \(scraped) s")
        // Progress and the estimate agree (taken a moment apart: the ETA counts down).
        #expect(job["progress"]?.number == 0.6 && metric("pipetop_job_progress_ratio") == 0.6)
        let left = try #require(job["eta"]?["remaining_s"]?.number)
        let scrapedLeft = try #require(metric("pipetop_job_eta_seconds"))
        #expect(left > 5 && left < 60, "400 items at 10/s: \(left) s")
        #expect(abs(left - scrapedLeft) < 5, "report \(left) s, /metrics \(scrapedLeft) s")
    }
}
