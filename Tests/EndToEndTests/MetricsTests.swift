import Foundation
import Testing
@testable import PipetopClient

/// `pipetop daemon --metrics`: the exposition passes `promtool check metrics`, and a real
/// Prometheus (Debian's package, installed by .ci/run) scrapes it and answers a query.
@Suite("Prometheus metrics", .serialized)
struct MetricsTests {
    func daemonWithMetrics() throws -> (Process, String, UInt16, String) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort(), textfile = dir + "/pipetop.prom"
        let p = try startDaemon(sock, ["--sample-interval", "0", "--metrics", "127.0.0.1:\(port)", "--metrics-textfile", textfile])
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"nightly","name":"nightly import","labels":{"pipeline":"nightly"},"phases":["fetch","load"]}"#,
                         #"{"type":"phase.start","job":"nightly","phase":"fetch","total":1000}"#,
                         #"{"type":"progress","job":"nightly","phase":"fetch","done":420,"failed":3}"#,
                         #"{"type":"alert","job":"nightly","severity":"critical","message":"quota","name":"q"}"#])
        return (p, sock, port, textfile)
    }

    func promtool(_ text: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        p.arguments = ["check", "metrics"]
        let input = Pipe(), out = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = out
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: said, as: UTF8.self))
    }

    @Test func theExpositionPassesPromtoolAndSaysWhatTheEngineKnows() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool"), "Debian's prometheus is needed (.ci/run installs it)")
        let (daemon, _, port, textfile) = try daemonWithMetrics()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let r = httpGet("http://127.0.0.1:\(port)/metrics")
        #expect(r.status == 200)
        #expect(r.body.contains(#"pipetop_phase_items_done_total{job_id="nightly",pipeline="nightly",phase="fetch"} 420"#), "\(r.body)")
        #expect(r.body.contains(#"pipetop_phase_items_failed_total{job_id="nightly",pipeline="nightly",phase="fetch"} 3"#))
        #expect(r.body.contains(#"pipetop_alerts_firing{severity="critical"} 1"#))
        #expect(r.body.contains("pipetop_engine_events_applied_total 4"))
        let (rc, said) = try promtool(r.body)
        #expect(rc == 0, "\(said)")
        #expect(httpGet("http://127.0.0.1:\(port)/other").status == 404)
        // The textfile holds the same, written atomically.
        let file = try String(contentsOfFile: textfile, encoding: .utf8)
        #expect(file.contains("pipetop_engine_events_applied_total"))  // written at start, then every 15 s
        #expect(try promtool(file).0 == 0)
    }

    @Test func aRealPrometheusScrapesIt() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"), "Debian's prometheus is needed (.ci/run installs it)")
        let (daemon, _, port, _) = try daemonWithMetrics()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: pipetop
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]
            """.write(toFile: dir + "/prometheus.yml", atomically: false, encoding: .utf8)
        let web = try freePort()
        let prom = try spawnServer(["/usr/bin/prometheus", "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
                                    "--web.listen-address=127.0.0.1:\(web)"], log: dir + "/prometheus.log")
        defer { stopChild(prom) }
        let base = "http://127.0.0.1:\(web)"
        #expect(poll(seconds: 30) { httpGet(base + "/-/ready").status == 200 }, "prometheus did not start")
        let query = base + "/api/v1/query?query=" + "pipetop_phase_items_done_total%7Bphase%3D%22fetch%22%7D"
        var answer = ""
        let got = poll(seconds: 30) {
            answer = httpGet(query).body
            return answer.contains(#""value":["#) && answer.contains(#""420""#)
        }
        #expect(got, "\(answer)")
    }
}
