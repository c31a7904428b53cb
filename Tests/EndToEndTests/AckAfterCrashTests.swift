import Foundation
import Testing
@testable import PipetopClient

/// A synced acknowledgement of an alert a rule raised survives kill -9: the alert came from the
/// engine's timer and was not journaled, so the replayed `ack` found nothing and the alert came
/// back unacknowledged, with a new start.
@Suite("Acknowledgements survive a crash", .serialized)
struct AckAfterCrashTests {
    static let config = """
        [[rule]]
        name = "hot"
        metric = "metric:temp"
        value = 90
        severity = "critical"

        [[rule]]
        name = "hotter"
        metric = "metric:temp"
        value = 96
        severity = "info"
        """

    func alerts(_ sock: String) -> [[String: Any]] {
        guard let out = try? runPipetop(["alerts", "--json", "--socket", sock]).out,
              let o = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] else { return [] }
        return o["alerts"] as? [[String: Any]] ?? []
    }

    @Test func anAcknowledgedRuleAlertIsStillAcknowledgedAfterKill9() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
        try Self.config.write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
        let sock = dir + "/d.sock"
        let args = ["/usr/bin/env", "XDG_CONFIG_HOME=\(dir)", pipetopBinary, "daemon", "--socket", sock, "--db", dir + "/p.db", "--sample-interval", "0"]
        var daemon = try spawnServer(args, log: dir + "/log1")
        #expect(waitForEngine(sock))
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"furnace"}"#, #"{"type":"metric","job":"j","name":"temp","value":95}"#]).isEmpty)
        c.close()
        var hot: [String: Any]?
        #expect(poll(seconds: 10) { hot = alerts(sock).first { ($0["kind"] as? String) == "rule:hot" }; return hot != nil })
        let id = try #require(hot?["id"] as? String)
        let ack = try runPipetop(["ack", id, "--comment", "on it", "--socket", sock])
        #expect(ack.status == 0, "\(ack.err)")
        let acked = try #require(alerts(sock).first { ($0["id"] as? String) == id })
        #expect(acked["acknowledged_by"] is String, "\(acked)")

        kill(daemon, SIGKILL)
        var status: Int32 = 0
        waitpid(daemon, &status, 0)
        daemon = try spawnServer(args, log: dir + "/log2")
        defer { stopChild(daemon) }
        #expect(waitForEngine(sock))
        // A value only `hotter` fires on: once its alert is there, the rules ran after the restart.
        let c2 = try EngineConnection(path: sock)
        #expect(try send(c2, [#"{"type":"metric","job":"j","name":"temp","value":97}"#]).isEmpty)
        c2.close()
        #expect(poll(seconds: 10) { alerts(sock).contains { ($0["kind"] as? String) == "rule:hotter" } })
        let after = alerts(sock).filter { ($0["kind"] as? String) == "rule:hot" }
        #expect(after.count == 1, "\(after)")
        let same = try #require(after.first)
        #expect(same["id"] as? String == id)
        #expect(same["acknowledged_by"] is String, "the acknowledgement was lost: \(same)")
        #expect(same["first_at"] as? String == acked["first_at"] as? String, "a new start: \(same) vs \(acked)")
    }
}
