import Foundation
import Testing
@testable import PipetopClient

/// A webhook that answers badly neither holds up the engine nor spins: an answer with no line
/// end is taken at its status code, one that trickles in is given up at `timeout`.
@Suite("Webhooks that answer badly", .serialized)
struct StubbornWebhookTests {
    func config(_ url: String) -> String {
        "[[notify]]\ntype = \"webhook\"\nurl = \"\(url)\"\ntimeout = 3\nattempts = 2\n"
    }

    func alert(_ name: String) -> [String] {
        [#"{"type":"job.start","job":"j","name":"j"}"#, #"{"type":"alert","job":"j","severity":"critical","message":"\#(name)","name":"\#(name)"}"#]
    }

    func ownAlerts(_ sock: String) -> String {
        let out = (try? runPipetop(["alerts", "--json", "--socket", sock]).out) ?? ""
        return out.contains(#""kind":"notify""#) ? out : ""
    }

    @Test func aStatusLineWithoutANewlineIsTakenAtItsCode() throws {
        let hook = try StubbornReceiver(.statusNoNewline)
        defer { hook.close() }
        let d = try NotifyTests.ConfiguredDaemon { _ in config(hook.url) }
        try d.send(alert("first"))
        // pipetop read "200" and hung up: the receiver still held the connection open.
        #expect(poll(seconds: 10) { hook.requests.first?.closedByClient == true }, "\(hook.requests)")
        try d.send(alert("second"))
        #expect(poll(seconds: 10) { hook.requests.contains { $0.body.contains("second") } })
        // Once the second is in, a retry of the first would have come before it.
        #expect(hook.requests.filter { $0.body.contains(#""message":"first""#) }.count == 1, "\(hook.requests.map(\.body))")
        #expect(ownAlerts(d.sock).isEmpty, "\(ownAlerts(d.sock))")
    }

    @Test func aTricklingAnswerIsGivenUpAndTheEngineAnswersMeanwhile() throws {
        let hook = try StubbornReceiver(.trickle)
        defer { hook.close() }
        let d = try NotifyTests.ConfiguredDaemon { _ in config(hook.url) }
        try d.send(alert("slow"))
        #expect(poll(seconds: 10) { !hook.requests.isEmpty })
        // While the answer trickles in (a byte a second), the engine syncs as ever.
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        for _ in 0..<5 { #expect(try c.sync(timeout: 5).isEmpty) }
        // Two attempts of 3 s each, then given up: said as pipetop's own alert.
        #expect(poll(seconds: 30) { ownAlerts(d.sock).lowercased().contains("timed out") }, "\(hook.requests.count) requests")
        // Both attempts hung up by pipetop (the receiver notices within its next second). The
        // give-up is itself an alert, sent to the same webhook: not counted here.
        func slow() -> [StubbornReceiver.Request] { hook.requests.filter { $0.body.contains(#""message":"slow""#) } }
        #expect(poll(seconds: 5) { slow().count == 2 && slow().allSatisfy(\.closedByClient) }, "\(hook.requests)")
    }
}
