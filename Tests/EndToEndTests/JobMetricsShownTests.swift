import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// A job's own figures (`metric` events: tokens, cost...) are shown, not only used by rules:
/// in the job screen with a sparkline, in `report` and in `/metrics`.
@Suite("Custom metrics shown", .serialized)
struct JobMetricsShownTests {
    @Test func metricsReachTheJobScreenTheReportAndMetrics() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/m.sock", port = try freePort()
        let daemon = try startDaemon(sock, ["--sample-interval", "0", "--db", ":memory:", "--metrics", "127.0.0.1:\(port)"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        var lines = [#"{"type":"job.start","job":"llm","name":"llm-eval","phases":["score"]}"#]
        for (i, cost) in [0.5, 1.25, 2.0, 4.2].enumerated() {
            let t = 1_763_900_000 + Double(i) * 2
            lines.append(#"{"type":"metric","job":"llm","name":"cost_usd","value":\#(cost),"ts":\#(t)}"#)
            lines.append(#"{"type":"metric","job":"llm","name":"tokens","kind":"counter","value":\#((i + 1) * 12_000),"ts":\#(t)}"#)
        }
        #expect(try send(c, lines).isEmpty)

        let report = try runPipetop(["report", "llm-eval", "--format", "json", "--socket", sock])
        guard case .array(let jobs)? = try JSONParser.parse(report.out)["jobs"], case .array(let metrics)? = jobs.first?["metrics"] else {
            Issue.record("no metrics in the report: \(report.out)"); return
        }
        #expect(metrics.contains { $0["name"] == .string("cost_usd") && $0["value"] == .double(4.2) })
        #expect(metrics.contains { $0["name"] == .string("tokens") && $0["kind"] == .string("counter") })
        let text = try runPipetop(["report", "llm-eval", "--socket", sock])
        #expect(text.out.contains("metrics  cost_usd 4.20, tokens 48.0k"), "\(text.out)")

        let exposition = httpGet("http://127.0.0.1:\(port)/metrics").body
        #expect(exposition.contains(#"pipetop_job_metric{job_id="llm",pipeline="llm-eval",name="cost_usd",phase=""} 4.2"#), "\(exposition)")
        #expect(exposition.contains("# TYPE pipetop_job_metric_total counter"))

        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock) --fps 10", width: 100, height: 30, env: ["LANG": "C.UTF-8"])
        #expect(pane.waitFor { $0.contains("llm-eval") }.0)
        try pane.keys("Enter")
        // The values, then (once the engine knows the screen looks at this job) their recent
        // values as a sparkline: four reports, two seconds apart.
        let (shown, s) = pane.waitFor { $0.contains("metrics") && $0.contains("cost_usd 4.20") && $0.contains("tokens 48.0k")
            && ($0.contains("▁") || $0.contains("▂") || $0.contains("▃")) }
        #expect(shown, "\(s)")
        try pane.keys("q")
    }
}
