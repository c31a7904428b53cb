import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// One death, one alarm: a lost job that the restarted engine fails (its process still gone)
/// keeps the acknowledgement of its `lost` alert, and a death nobody acknowledged is still one
/// open alert. Real daemon, real database, a real webhook, `pipetop ack` and `pipetop alerts`.
@Suite("A lost job's death across a restart", .serialized)
struct LostDeathAlertTests {
    @Test func anAcknowledgedDeathStaysAcknowledgedWhenTheRestartedEngineFailsTheJob() throws {
        let hook = try HTTPReceiver()
        defer { hook.close() }
        let e = try NotifyRestartTests.RestartableEngine(config: NotifyRestartTests.webhook(hook), sampleInterval: "0.2")
        // Two jobs whose processes die without a word: one death is seen and acknowledged.
        var children: [String: Process] = [:]
        for job in ["seen", "unseen"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sleep")
            p.arguments = ["300"]
            try p.run()
            children[job] = p
            try e.send([#"{"type":"job.start","job":"\#(job)","name":"\#(job)","phases":["run"],"pid":\#(p.processIdentifier)}"#,
                        #"{"type":"phase.start","job":"\#(job)","phase":"run"}"#])
        }
        for p in children.values { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        let lost = try engineState(e.sock, seconds: 20) { s in
            ["seen", "unseen"].allSatisfy { j in s.alerts.all.contains { $0.job == j && $0.kind == "rule:lost" && $0.isOpen } }
        }
        #expect(lost != nil, "both jobs lost: \(e.log)")
        let ack = try runPipetop(["ack", "seen", "--socket", e.sock, "--comment", "seen it, rerun tomorrow"])
        #expect(ack.status == 0, "\(ack.err)")
        #expect(hook.wait { _ in ["seen", "unseen"].allSatisfy { count(hook, "firing", "\($0)/-/rule:lost#1") == 1 } }.isEmpty == false)

        try e.restart()
        let failed = try #require(try engineState(e.sock) { s in s[job: "seen"]?.state == .failed && s[job: "unseen"]?.state == .failed })
        #expect(failed.alerts.unacknowledged == 1, "only the death nobody saw asks: \(failed.alerts.sorted.map(\.id))")

        let r = try runPipetop(["alerts", "--socket", e.sock, "--json"])
        #expect(r.status == 0, "\(r.err)")
        guard case .object(let top)? = try? JSONParser.parse(r.out), case .array(let listed)? = top.first(where: { $0.0 == "alerts" })?.1 else {
            Issue.record("not JSON: \(r.out)")
            return
        }
        func field(_ a: JSONValue, _ k: String) -> JSONValue? {
            if case .object(let f) = a { return f.first { $0.0 == k }?.1 }
            return nil
        }
        func open(_ job: String) -> [JSONValue] { listed.filter { field($0, "job") == .string(job) } }
        // Each death is one open alert: its failure, with the lost alert folded into its details.
        for job in ["seen", "unseen"] {
            let alerts = open(job)
            #expect(alerts.count == 1 && alerts.first.flatMap { field($0, "kind") } == .string("job-failed"), "\(job): \(r.out)")
            guard case .array(let details)? = alerts.first.flatMap({ field($0, "details") }) else { continue }
            #expect(details.contains { if case .string(let d) = $0 { d.hasPrefix("lost since ") && d.contains("\(job)/-/rule:lost#1") } else { false } }, "\(r.out)")
        }
        #expect(open("seen").first.flatMap { field($0, "acknowledged_by") } != .null, "the acknowledgement stays: \(r.out)")
        #expect(open("unseen").first.flatMap { field($0, "acknowledged_by") } == .null, "nobody saw this one: \(r.out)")
        let text = try runPipetop(["alerts", "--socket", e.sock])
        #expect(text.out.contains("seen/-/job-failed#1") && text.out.contains("seen it, rerun tomorrow"), "\(text.out)")

        // The webhook: the lost alerts resolve; the acknowledged death is not sent again as news.
        try e.marker("after", at: hook)
        #expect(count(hook, "firing", "seen/-/job-failed#1") == 0, "\(hook.requests.map(\.body))")
        #expect(count(hook, "firing", "unseen/-/job-failed#1") == 1)
        #expect(count(hook, "resolved", "seen/-/rule:lost#1") == 1 && count(hook, "resolved", "unseen/-/rule:lost#1") == 1)

        // The dashboard counts one alert to see (plus the marker's), not the acknowledged death.
        let pane = try TmuxPane("\(pipetopBinary) --socket \(e.sock)", env: ["LANG": "C.UTF-8"])
        let (two, screen) = pane.waitFor { $0.contains("2 alerts") }
        #expect(two, "\(screen)")
        try pane.keys("q")
    }

    func count(_ hook: HTTPReceiver, _ status: String, _ id: String) -> Int {
        hook.requests.filter { $0.body.contains(#""status":"\#(status)""#) && $0.body.contains(#""id":"\#(id)""#) }.count
    }
}
