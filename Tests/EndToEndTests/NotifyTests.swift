import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// Alerts leave the engine: to a webhook and a command (real receivers on loopback), to a
/// real Alertmanager, through `pipetop alerts / ack / silence`.
@Suite("Alert notifications", .serialized)
struct NotifyTests {
    /// A daemon whose config file holds `config`, on a private socket.
    final class ConfiguredDaemon {
        let dir: String
        let sock: String
        let process: Process
        init(config: (String) -> String) throws {
            dir = try scratchDir()
            sock = dir + "/d.sock"
            try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
            try config(dir).write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
            process = try startDaemon(sock, ["--sample-interval", "0"], env: ["XDG_CONFIG_HOME": dir])
        }
        deinit {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: dir)
        }
        func send(_ lines: [String]) throws {
            let c = try EngineConnection(path: sock)
            defer { c.close() }
            let replies = try EndToEndTests.send(c, lines)
            #expect(replies.allSatisfy { if case .synced = $0 { true } else { false } }, "\(replies)")
        }
    }

    static let hotRule = """
        [[rule]]
        name = "hot"
        metric = "metric:temp"
        value = 90
        clear = 80
        severity = "critical"
        labels = { team = "data" }
        """

    /// Fires below 86 only: its alert opening shows that the rules have seen a value of 85.
    /// Severity info: no notifier (warning and up by default) hears it.
    static let coolProbe = """

        [[rule]]
        name = "cool"
        metric = "metric:temp"
        op = "<"
        value = 86
        severity = "info"
        """

    func temp(_ v: Int) -> String { #"{"type":"metric","job":"j","name":"temp","value":\#(v)}"# }

    @Test func webhookAndCommandHearFiringAndResolved() throws {
        let hook = try HTTPReceiver()
        defer { hook.close() }
        let d = try ConfiguredDaemon { dir in
            Self.hotRule + Self.coolProbe + """

                [[notify]]
                type = "webhook"
                url = "\(hook.url)/hook"

                [[notify]]
                type = "command"
                command = "cat >> \(dir)/alerts.jsonl"
                """
        }
        try d.send([#"{"type":"job.start","job":"j","name":"furnace","labels":{"pipeline":"heat"}}"#, temp(95)])
        let fired = hook.wait { $0.contains { $0.body.contains(#""status":"firing""#) } }
        let first = try #require(fired.first { $0.body.contains(#""status":"firing""#) })
        #expect(first.method == "POST" && first.path == "/hook")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(first.body.utf8)) as? [String: Any])
        let alert = try #require(body["alert"] as? [String: Any])
        #expect(alert["rule"] as? String == "hot" && alert["severity"] as? String == "critical" && alert["job"] as? String == "j")
        // The job's labels come with the rule's.
        #expect((alert["labels"] as? [String: String]) == ["team": "data", "pipeline": "heat"] && alert["pipeline"] as? String == "heat")

        // The alert is listed, and can be acknowledged from the command line.
        let listed = try runPipetop(["alerts", "--json", "--socket", d.sock])
        let id = try #require((alert["id"] as? String))
        #expect(listed.out.contains(id), "\(listed.out)")
        let ack = try runPipetop(["ack", id, "--comment", "looking", "--socket", d.sock])
        #expect(ack.status == 0, "\(ack.err)")
        #expect(try runPipetop(["alerts", "--socket", d.sock]).out.contains("acknowledged by"))

        // Below the clear threshold: resolved, to both.
        try d.send([temp(85)])
        // `cool` fires only on a value below 86, in the same pass of the rules as `hot`: once
        // it is open, `hot` has seen 85 and must still be open (85 is above 80: hysteresis).
        func openAlerts() -> String { (try? runPipetop(["alerts", "--json", "--socket", d.sock]).out) ?? "" }
        #expect(poll(seconds: 10) { openAlerts().contains("rule:cool") }, "the probe rule never saw 85")
        #expect(openAlerts().contains("rule:hot"), "\(openAlerts())")
        #expect(!hook.requests.contains { $0.body.contains(#""status":"resolved""#) })
        try d.send([temp(70)])
        #expect(hook.wait { $0.contains { $0.body.contains(#""status":"resolved""#) } }.contains { $0.body.contains(#""status":"resolved""#) })
        let deadline = Date().addingTimeInterval(10)
        var lines: [String] = []
        while Date() < deadline {
            lines = ((try? String(contentsOfFile: d.dir + "/alerts.jsonl", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.count >= 2 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(lines.count == 2 && lines[0].contains(#""status":"firing""#) && lines[1].contains(#""status":"resolved""#), "\(lines)")

        // Silenced: a new occurrence is tracked but not sent.
        let silence = try runPipetop(["silence", "--rule", "hot", "--for", "10m", "--socket", d.sock])
        #expect(silence.status == 0, "\(silence.err)")
        let before = hook.requests.count
        try d.send([temp(99)])
        #expect(poll(seconds: 10) { ((try? runPipetop(["alerts", "--socket", d.sock]).out) ?? "").contains("silenced until") })
        // A marker raised after the silenced occurrence goes through the same notifier: once it
        // arrived, a notification of the occurrence would have arrived before it.
        try d.send([#"{"type":"alert","job":"j","severity":"critical","message":"marker","name":"marker"}"#])
        let after = hook.wait { $0.contains { $0.body.contains("marker") } }
        #expect(after.contains { $0.body.contains("marker") })
        #expect(!after.dropFirst(before).contains { $0.body.contains(#""rule":"hot""#) && $0.body.contains(#""status":"firing""#) },
                "\(after.dropFirst(before).map(\.body))")
        let quiet = try runPipetop(["alerts", "--socket", d.sock])
        #expect(quiet.out.contains("silenced until") && quiet.out.contains("silence s"), "\(quiet.out)")
    }

    @Test func badRulesAreRefusedNamingTheRuleAndField() throws {
        let d = try Daemon()
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        let replies = try EndToEndTests.send(c, [
            #"{"type":"job.start","job":"j","name":"j","rules":[{"name":"rows","metric":"job.rate","op":"<","value":5}]}"#,
            #"{"type":"rule","job":"j","rule":{"name":"cpu","metric":"job.cpu","value":"lots"}}"#,
            #"{"type":"rule","job":"j","rule":{"name":"cpu","metric":"job.cpu","value":95,"for":30}}"#,
        ])
        #expect(replies.first == .error(line: 2, reason: "field 'rule': rule 'cpu': value: must be a number"), "\(replies)")
        let s = try #require(try engineState(d.sock))
        #expect(s.alertRules.rules.filter { $0.job == "j" }.map(\.name) == ["rows", "cpu"])
    }

    @Test func alertmanagerSeesTheAlertFireAndResolve() throws {
        let binary = "/usr/bin/prometheus-alertmanager"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "Debian's prometheus-alertmanager is needed (.ci/run installs it)")
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n".write(toFile: dir + "/am.yml", atomically: false, encoding: .utf8)
        let port = try freePort()
        let am = Process()
        am.executableURL = URL(fileURLWithPath: binary)
        am.arguments = ["--config.file=\(dir)/am.yml", "--storage.path=\(dir)/am", "--web.listen-address=127.0.0.1:\(port)",
                        "--cluster.listen-address="]
        am.standardOutput = FileHandle.nullDevice
        am.standardError = FileHandle.nullDevice
        try am.run()
        defer { am.terminate(); am.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        #expect(poll(seconds: 20) { httpGet(base + "/-/ready").status == 200 }, "alertmanager did not start")

        let d = try ConfiguredDaemon { _ in
            Self.hotRule + "\n\n[[notify]]\ntype = \"alertmanager\"\nurl = \"\(base)\"\n"
        }
        try d.send([#"{"type":"job.start","job":"j","name":"furnace"}"#, temp(95)])
        func active() -> [[String: Any]] {
            let r = httpGet(base + "/api/v2/alerts?active=true&silenced=true&inhibited=true")
            return (try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [[String: Any]]) ?? []
        }
        func hot(_ alerts: [[String: Any]]) -> [String: Any]? {
            alerts.first { (($0["labels"] as? [String: String])?["alertname"]) == "hot" }
        }
        #expect(poll(seconds: 15) { hot(active()) != nil }, "the alert never reached alertmanager")
        let a = try #require(hot(active()))
        let labels = try #require(a["labels"] as? [String: String])
        #expect(labels["job"] == "j" && labels["severity"] == "critical" && labels["team"] == "data")
        #expect(((a["status"] as? [String: Any])?["state"] as? String) == "active")
        let summary = (a["annotations"] as? [String: String])?["summary"] ?? ""
        #expect(summary.contains("temp"), "\(summary)")

        try d.send([temp(10)])
        #expect(poll(seconds: 15) { hot(active()) == nil }, "alertmanager still has it active after it resolved")
    }

    @Test func aDeadWebhookDoesNotHoldUpIngestion() throws {
        // A listener that never answers: every delivery waits for its timeout.
        let (dead, deadPort) = try loopbackListener()
        defer { close(dead) }
        let deadURL = "http://127.0.0.1:\(deadPort)/hook"

        func ingest(into d: ConfiguredDaemon, events: Int) throws -> Double {
            var lines = [#"{"type":"job.start","job":"j","name":"j"}"#, #"{"type":"phase.start","job":"j","phase":"p","total":\#(events)}"#]
            for i in 1...events {
                lines.append(#"{"type":"progress","job":"j","phase":"p","done":\#(i)}"#)
                // A fresh alert every 500 events, so notifications keep coming.
                if i % 500 == 0 { lines.append(#"{"type":"alert","job":"j","severity":"critical","message":"m\#(i)","name":"n\#(i)"}"#) }
            }
            let started = Date()
            try d.send(lines)
            let s = try #require(try engineState(d.sock) { $0[job: "j"]?.phase("p")?.done == events })
            #expect(s[job: "j"]?.phase("p")?.done == events)  // nothing lost
            return Double(events) / Date().timeIntervalSince(started)
        }
        let events = 100_000
        let quiet = try ConfiguredDaemon { _ in "" }
        let plain = try ingest(into: quiet, events: events)
        let withDead = try ConfiguredDaemon { _ in "[[notify]]\ntype = \"webhook\"\nurl = \"\(deadURL)\"\ntimeout = 2\nmin_severity = \"info\"\n" }
        let hindered = try ingest(into: withDead, events: events)
        print("ingest with no notifier: \(Int(plain)) events/s; with a dead webhook: \(Int(hindered)) events/s")
    }
}

/// Polls until `ok` or the time is up.
func poll(seconds: Double, _ ok: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if ok() { return true }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return false
}

/// A plain GET (status 0 when unreachable).
func httpGet(_ url: String) -> (status: Int, body: String) {
    final class Box: @unchecked Sendable { var value = (0, ""); let lock = NSLock() }
    let done = DispatchSemaphore(value: 0)
    let box = Box()
    var request = URLRequest(url: URL(string: url)!, timeoutInterval: 2)
    request.httpMethod = "GET"
    URLSession.shared.dataTask(with: request) { data, response, _ in
        box.lock.withLock { box.value = ((response as? HTTPURLResponse)?.statusCode ?? 0, data.map { String(decoding: $0, as: UTF8.self) } ?? "") }
        done.signal()
    }.resume()
    _ = done.wait(timeout: .now() + 3)
    return box.lock.withLock { box.value }
}
