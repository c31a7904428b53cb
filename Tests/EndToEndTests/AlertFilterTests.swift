import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// `pipetop alerts` narrowed the way a person at 3 a.m. asks ("only the critical ones of the
/// nightly import, from the last hour, the first five"), and `pipetop silence --expire`, on a
/// real daemon.
@Suite("pipetop alerts filters and silence --expire", .serialized)
struct AlertFilterTests {
    @Test func alertsAreNarrowedBySeverityJobTimeAndCount() throws {
        let d = try NotifyTests.ConfiguredDaemon { _ in "" }
        try d.send([
            #"{"type":"job.start","job":"imp","name":"nightly import"}"#,
            #"{"type":"job.start","job":"etl","name":"etl"}"#,
            #"{"type":"alert","job":"imp","severity":"critical","message":"disk full on /data","name":"disk","context":{"mount":"/data","free":"0 B"}}"#,
            #"{"type":"alert","job":"imp","severity":"warning","message":"slow API","name":"api"}"#,
            #"{"type":"alert","job":"etl","severity":"critical","message":"schema drift","name":"drift"}"#,
        ])
        func alerts(_ args: [String]) throws -> String {
            let r = try runPipetop(["alerts"] + args + ["--socket", d.sock])
            #expect(r.status == 0, "\(r)")
            return r.out
        }
        let critical = try alerts(["--severity", "critical"])
        #expect(critical.contains("disk full") && critical.contains("schema drift") && !critical.contains("slow API"), "\(critical)")
        let byName = try alerts(["--job", "nightly import"])
        #expect(byName.contains("disk full") && byName.contains("slow API") && !byName.contains("schema drift"), "\(byName)")
        #expect(byName.contains("context: mount=/data free=0 B") || byName.contains("context: free=0 B mount=/data"), "\(byName)")
        let one = try alerts(["--severity", "warning", "--limit", "1"])
        #expect(one.split(separator: "\n").filter { $0.hasPrefix("CRITICAL") || $0.hasPrefix("WARNING") }.count == 1, "\(one)")
        let none = try alerts(["--job", "etl", "--severity", "critical", "--since", "1s"])
        #expect(none.contains("schema drift") || none.contains("no open alerts that match"), "\(none)")
        let bad = try runPipetop(["alerts", "--severity", "loud", "--socket", d.sock])
        #expect(bad.status != 0 && bad.err.contains("--severity takes info, warning or critical, not 'loud'"), "\(bad)")
    }

    @Test func aSilenceIsLiftedByItsID() throws {
        let d = try NotifyTests.ConfiguredDaemon { _ in "" }
        try d.send([#"{"type":"job.start","job":"imp","name":"nightly import"}"#])
        let made = try runPipetop(["silence", "--job", "imp", "--for", "1h", "--socket", d.sock])
        #expect(made.status == 0, "\(made)")
        let listed = try runPipetop(["alerts", "--json", "--socket", d.sock])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [String: Any])
        let id = try #require(((doc["silences"] as? [[String: Any]])?.first)?["id"] as? String)
        let lifted = try runPipetop(["silence", "--expire", id, "--socket", d.sock])
        #expect(lifted.status == 0 && lifted.out == "silence \(id) lifted\n", "\(lifted)")
        let after = try runPipetop(["alerts", "--socket", d.sock])
        #expect(!after.out.contains("silence \(id)"), "\(after)")
        let again = try runPipetop(["silence", "--expire", id, "--socket", d.sock])
        #expect(again.status != 0 && again.err.contains("no silence '\(id)' in force"), "\(again)")
        let mixed = try runPipetop(["silence", "--expire", id, "--for", "1h", "--socket", d.sock])
        #expect(mixed.status != 0 && mixed.err.contains("--expire lifts a silence by its id"), "\(mixed)")
    }

    @Test func eachAlertNamesItsJobAndAJobsSilencesAreItsOwn() throws {
        let d = try NotifyTests.ConfiguredDaemon { _ in "" }
        try d.send([
            #"{"type":"job.start","job":"team/imp","name":"nightly import","phases":["load"],"labels":{"team":"data"}}"#,
            #"{"type":"job.start","job":"etl","name":"etl"}"#,
            #"{"type":"alert","job":"team/imp","phase":"load","severity":"critical","message":"disk full","name":"disk"}"#,
            #"{"type":"alert","job":"etl","severity":"warning","message":"slow","name":"slow"}"#,
        ])
        for args in [["--job", "etl"], ["--job", "team/imp"], ["--match", "team=data"], ["--rule", "stalled"]] {
            let made = try runPipetop(["silence"] + args + ["--for", "1h", "--socket", d.sock])
            #expect(made.status == 0, "\(made)")
        }
        let r = try runPipetop(["alerts", "--json", "--job", "nightly import", "--socket", d.sock])
        #expect(r.status == 0, "\(r)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let alerts = try #require(doc["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1, "\(r.out)")
        #expect(alerts.first?["job"] as? String == "team/imp" && alerts.first?["job_name"] as? String == "nightly import"
                && alerts.first?["phase"] as? String == "load", "\(r.out)")
        // The job's own silence, the one by its label and the one for every job; not etl's.
        let silences = try #require(doc["silences"] as? [[String: Any]])
        #expect(silences.count == 3 && !silences.contains { $0["job"] as? String == "etl" }, "\(r.out)")
        let text = try runPipetop(["alerts", "--job", "nightly import", "--socket", d.sock])
        #expect(text.status == 0 && !text.out.contains("job etl") && text.out.contains("job team/imp"), "\(text)")
    }
}
