import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// "Tell me when the nightly import is done, and when it is late": a configured `[[sla]]`
/// gives its runs a deadline, a missed one raises a critical alert carrying the job's labels,
/// and a webhook that asked for job endings hears each run end with its duration and how that
/// compares with the usual (a real daemon, a real HTTP receiver with a token header).
@Suite("Deadlines and job endings reach notifications", .serialized)
struct DeadlineNotifyTests {
    func bodies(_ r: [HTTPReceiver.Request]) -> [[String: Any]] {
        r.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
    }

    func start(_ id: String) -> String {
        #"{"type":"job.start","job":"\#(id)","name":"nightly import","phases":["load"],"labels":{"pipeline":"nightly-import","team":"cryo"}}"#
    }

    @Test func aMissedDeadlineAndEachEndingReachTheWebhookThatAskedWithItsToken() throws {
        let hook = try HTTPReceiver(), other = try HTTPReceiver()
        defer { hook.close(); other.close() }
        let d = try NotifyTests.ConfiguredDaemon { _ in """
            [[sla]]
            pipeline = "nightly-import"
            max_duration = "3s"

            [[notify]]
            type = "webhook"
            url = "\(hook.url)/hook"
            on = ["completed", "failed"]
            headers = { Authorization = "Bearer s3cret" }

            [[notify]]
            type = "webhook"
            url = "\(other.url)/hook"
            on = ["completed"]
            pipelines = ["another-pipeline"]
            """
        }
        // Run 1 ends in time: its ending is sent, the deadline met, no usual yet.
        try d.send([start("imp-1"), #"{"type":"progress","job":"imp-1","phase":"load","done":10,"total":10}"#])
        Thread.sleep(forTimeInterval: 0.5)  // a run that takes half a second: the usual for run 2
        try d.send([#"{"type":"job.end","job":"imp-1","status":"completed"}"#])
        let first = hook.wait { r in bodies(r).contains { $0["type"] as? String == "job" } }
        let ending = try #require(bodies(first).first { $0["type"] as? String == "job" })
        #expect(ending["status"] as? String == "completed")
        let job = try #require(ending["job"] as? [String: Any])
        #expect(job["id"] as? String == "imp-1" && job["pipeline"] as? String == "nightly-import" && job["done"] as? Int == 10)
        #expect((job["duration_s"] as? Double ?? -1) >= 0 && job["usual"] is NSNull)
        #expect((job["deadline"] as? [String: Any])?["met"] as? Bool == true)
        #expect((job["labels"] as? [String: String])?["team"] == "cryo")
        #expect(first.allSatisfy { $0.headers["authorization"] == "Bearer s3cret" && $0.path == "/hook" })

        // Run 2 runs past its 3 s: a critical alert with the job's labels, then its ending.
        try d.send([start("imp-2"), #"{"type":"progress","job":"imp-2","phase":"load","done":1,"total":10}"#])
        let late = hook.wait(seconds: 20) { r in bodies(r).contains { ($0["alert"] as? [String: Any])?["kind"] as? String == "deadline-missed" } }
        let alert = try #require(bodies(late).compactMap { $0["alert"] as? [String: Any] }.first { $0["kind"] as? String == "deadline-missed" })
        #expect(alert["severity"] as? String == "critical")
        #expect((alert["message"] as? String)?.hasPrefix("missed its deadline") == true && (alert["message"] as? String)?.contains("(sla nightly-import)") == true)
        #expect((alert["labels"] as? [String: String]) == ["pipeline": "nightly-import", "team": "cryo"])
        try d.send([#"{"type":"job.end","job":"imp-2","status":"completed"}"#])
        let all = hook.wait { r in bodies(r).contains { ($0["job"] as? [String: Any])?["id"] as? String == "imp-2" } }
        let second = try #require(bodies(all).compactMap { $0["job"] as? [String: Any] }.first { $0["id"] as? String == "imp-2" })
        #expect((second["deadline"] as? [String: Any])?["met"] as? Bool == false)
        let usual = try #require(second["usual"] as? [String: Any])
        #expect(usual["runs"] as? Int == 1 && (usual["text"] as? String)?.contains("longer than usual") == true)
        // The alert resolved with the run; the other target (another pipeline) heard nothing.
        _ = hook.wait { r in bodies(r).contains { $0["status"] as? String == "resolved" } }
        #expect(bodies(hook.requests).contains { $0["status"] as? String == "resolved" && ($0["alert"] as? [String: Any])?["kind"] as? String == "deadline-missed" })
        #expect(other.requests.isEmpty)
        // The history counts the promise kept once and missed once.
        let history = try runPipetop(["history", "nightly-import", "--socket", d.sock])
        #expect(history.out.contains("deadline  1 met, 1 missed (50% kept)"), "\(history)")
    }

    @Test func configCheckReadsSLAsAndNamesWhatIsWrong() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = dir + "/good.toml", bad = dir + "/bad.toml"
        try "[[sla]]\npipeline = \"nightly\"\nfinish_by = \"06:00\"\nevery = \"24h\"\n".write(toFile: good, atomically: false, encoding: .utf8)
        try "[[sla]]\npipeline = \"nightly\"\nfinish_by = \"6am\"\n\n[[notify]]\ntype = \"alertmanager\"\nurl = \"http://127.0.0.1:9093\"\non = [\"completed\"]\n"
            .write(toFile: bad, atomically: false, encoding: .utf8)
        let ok = try runPipetop(["config", "check", "--config", good])
        #expect(ok.status == 0 && ok.out.hasPrefix("ok: 0 rules, 0 notifiers, 1 sla"), "\(ok)")
        let no = try runPipetop(["config", "check", "--config", bad])
        #expect(no.status == 1)
        #expect(no.out.contains("bad.toml:1: sla 'nightly': finish_by: a time of day like \"06:00\"; this [[sla]] is left out"), "\(no.out)")
        #expect(no.out.contains("notify: on: Alertmanager takes alerts only"), "\(no.out)")
    }
}
