import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// One failure is one alert for everyone who hears about it: a webhook, `pipetop alerts`.
@Suite("One failure, one notification", .serialized)
struct FailureNotifyTests {
    /// An exception: an error line, the phase fails, the job fails. The webhook hears one
    /// firing alert, the job's failure, with the phase and the error line as its details.
    @Test func aFailureIsOneNotificationWithItsDetails() throws {
        let hook = try HTTPReceiver()
        defer { hook.close() }
        let d = try NotifyTests.ConfiguredDaemon { _ in "[[notify]]\ntype = \"webhook\"\nurl = \"\(hook.url)/hook\"\n" }
        try d.send([
            #"{"type":"job.start","job":"j","name":"train","phases":["fit"]}"#,
            #"{"type":"phase.start","job":"j","phase":"fit"}"#,
            #"{"type":"log","job":"j","phase":"fit","level":"error","message":"ValueError: bad row 7"}"#,
            #"{"type":"phase.end","job":"j","phase":"fit","status":"failed","error":"ValueError"}"#,
            #"{"type":"job.end","job":"j","status":"failed","error":"exit status 1"}"#,
        ])
        // A later alert of another job: deliveries to one target go in order, so once it is
        // in, anything the failure sent is in too.
        try d.send([#"{"type":"job.start","job":"k","name":"k"}"#, #"{"type":"alert","job":"k","severity":"critical","message":"marker","name":"m"}"#])
        let got = hook.wait { $0.contains { $0.body.contains("marker") } }
        #expect(got.contains { $0.body.contains("marker") }, "the marker never came")
        let aboutJ = got.filter { $0.body.contains(#""job":"j""#) && $0.body.contains(#""status":"firing""#) }
        #expect(aboutJ.count == 1, "\(aboutJ.map(\.body))")
        let first = try #require(aboutJ.first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(first.body.utf8)) as? [String: Any])
        let alert = try #require(body["alert"] as? [String: Any])
        #expect(alert["kind"] as? String == "job-failed" && alert["severity"] as? String == "critical")
        #expect(alert["details"] as? [String] == ["error in fit: ValueError: bad row 7", "phase fit failed: ValueError"], "\(alert)")

        let listed = try runPipetop(["alerts", "--socket", d.sock])
        #expect(listed.out.components(separatedBy: "\n").filter { $0.contains(" j/") }.count == 1, "\(listed.out)")
        #expect(listed.out.contains("| error in fit: ValueError: bad row 7") && listed.out.contains("| phase fit failed: ValueError"), "\(listed.out)")

        // Acknowledged, then cleared: gone from the list, and the webhook hears "resolved".
        let id = "j/-/job-failed#1"
        #expect(try runPipetop(["ack", id, "--socket", d.sock]).status == 0)
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        #expect(try EndToEndTests.send(c, [#"{"type":"alerts.clear","job":"j","alert":"\#(id)"}"#]).isEmpty)
        #expect(!(try runPipetop(["alerts", "--all", "--socket", d.sock]).out.contains(id)))
        #expect(hook.wait { $0.contains { $0.body.contains(#""status":"resolved""#) && $0.body.contains(id) } }
            .contains { $0.body.contains(#""status":"resolved""#) && $0.body.contains(id) })
    }
}
