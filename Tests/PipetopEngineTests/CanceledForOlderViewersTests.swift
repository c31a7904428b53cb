import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// A viewer of subscriber protocol 2 (pipetop before canceled phases and steps) decodes every
/// frame: a canceled job's stopped phases and steps reach it as failed, saying why, while a
/// viewer of protocol 3 gets `canceled`. Over a real socket, the Board then its deltas.
@Suite("Canceled states and older viewers", .serialized)
struct CanceledForOlderViewersTests {
    /// The Board as a viewer of protocol 2 decodes it: its states had no `canceled` (nor an
    /// unknown case), so one such value failed the whole frame.
    struct V2Board: Decodable { var jobs: [V2Job] }
    struct V2Job: Decodable {
        enum State: String, Decodable { case pending, running, pausing, paused, completing, completed, canceling, canceled, failed }
        var id: String
        var state: State
        var phases: [V2Phase]
    }
    struct V2Phase: Decodable {
        enum State: String, Decodable { case pending, running, done, failed, skipped }
        var id: String
        var state: State
        var error: String?
        var steps: V2Steps
    }
    struct V2Steps: Decodable {
        var running: Int
        var failed: Int
        var items: [V2Step]?
        var recent: [V2Step]
    }
    struct V2Step: Decodable {
        enum State: String, Decodable { case running, done, failed }
        var id: String
        var state: State
        var detail: String?
    }

    /// Subscribes with `v` and focus on the job's phase, and reads the first whole Board.
    func subscribe(_ e: RunningEngine, v: Int) throws -> (EngineConnection, JSONValue, SubscriberHello?) {
        let c = try e.connect()
        try c.send(#"{"type":"subscribe","v":\#(v),"fps":30,"focus":{"job":"j","phase":"fetch"}}"# + "\n")
        var hello: SubscriberHello?
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let line = try c.readLine(timeout: 1) else { continue }
            switch try BoardMessage.decode(line) {
            case .hello(let h): hello = h
            case .board(_, let b): return (c, b, hello)
            default: continue
            }
        }
        throw ClientError("no Board within 10 s")
    }

    /// Applies what comes (Board or delta) until the job reads canceled; the Board as sent.
    func readUntilCanceled(_ c: EngineConnection, from start: JSONValue) throws -> JSONValue {
        var value = start
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if case .string("canceled")? = value["jobs"]?[0]?["state"] { return value }
            guard let line = try c.readLine(timeout: 1) else { continue }
            switch try BoardMessage.decode(line) {
            case .board(_, let b): value = b
            case .delta(_, let changes): value = MergePatch.apply(changes, to: value)
            default: continue
            }
        }
        throw ClientError("the job never read canceled")
    }

    @Test func aProtocol2ViewerGetsFailedWithTheReasonAProtocol3ViewerGetsCanceled() throws {
        let e = try RunningEngine()
        let producer = try e.connect()
        defer { producer.close() }
        #expect(try send(producer, [#"{"type":"job.start","job":"j","name":"import","phases":["fetch","load"]}"#,
                                    #"{"type":"phase.start","job":"j","phase":"fetch"}"#,
                                    #"{"type":"step","job":"j","phase":"fetch","step":"page 0","state":"done"}"#,
                                    #"{"type":"step","job":"j","phase":"fetch","step":"page 1","state":"running"}"#,
                                    #"{"type":"step","job":"j","phase":"fetch","step":"page 2","state":"running"}"#]).isEmpty)
        // Both subscribed before the cancel: the old one gets it in a delta, as attach would.
        let (old, oldFirst, oldHello) = try subscribe(e, v: 2)
        let (new, newFirst, newHello) = try subscribe(e, v: 3)
        defer { old.close(); new.close() }
        #expect(oldHello?.v == 2, "the engine says the protocol it speaks with this viewer")
        #expect(newHello?.v == 3)
        #expect(try send(producer, [#"{"type":"job.end","job":"j","status":"canceled"}"#]).isEmpty)

        let oldValue = try readUntilCanceled(old, from: oldFirst)
        let v2 = try JSONDecoder().decode(V2Board.self, from: Data(JSONWriter.string(oldValue).utf8))
        let fetch = try #require(v2.jobs.first?.phases.first)
        #expect(fetch.state == .failed && fetch.error == "job canceled")
        #expect(fetch.steps.failed == 2 && fetch.steps.running == 0)
        let items = try #require(fetch.steps.items)
        #expect(items.map(\.state) == [.done, .failed, .failed])
        #expect(items[1].detail == "still running when the job canceled")
        // Nothing in its frame but the job's own state (protocol 2 has it) says canceled.
        #expect(oldValue["jobs"]?[0]?["phases"]?[0]?["steps"]?["canceled"] == nil)
        let phasesText = JSONWriter.string(oldValue["jobs"]?[0]?["phases"] ?? .null)
        #expect(!phasesText.contains(#""canceled""#), "\(phasesText)")
        // And the viewer's own decoding agrees with the typed Board.
        let oldBoard = try JSONValueDecoder.decode(Board.self, from: oldValue)
        #expect(oldBoard[job: "j"]?.phase("fetch")?.steps.items?.contains { $0.state == .canceled } == false)

        let newValue = try readUntilCanceled(new, from: newFirst)
        let board = try JSONValueDecoder.decode(Board.self, from: newValue)
        let p = try #require(board[job: "j"]?.phase("fetch"))
        #expect(p.state == .canceled && p.error == nil)
        #expect(p.steps.canceled == 2 && p.steps.failed == 0 && p.steps.done == 1)
        #expect(p.steps.items?.map(\.state) == [.done, .canceled, .canceled])
        #expect(p.steps.items?[1].detail == "still running when the job canceled")
    }

    /// The dashboard's own feed (pipetop attach) says protocol 3 and shows canceled.
    @Test func theViewersFeedSpeaksProtocol3() throws {
        let e = try RunningEngine()
        let producer = try e.connect()
        defer { producer.close() }
        #expect(try send(producer, [#"{"type":"job.start","job":"j","name":"import","phases":["fetch"]}"#,
                                    #"{"type":"step","job":"j","phase":"fetch","step":"page 1","state":"running"}"#,
                                    #"{"type":"job.end","job":"j","status":"canceled"}"#]).isEmpty)
        let changed = DispatchSemaphore(value: 0)
        let feed = SubscriptionFeed(path: e.path, fps: 30, onChange: { changed.signal() })
        feed.focus(job: "j", phase: "fetch")
        feed.start()
        defer { feed.stop() }
        while feed.current.board?[job: "j"]?.phase("fetch")?.steps.items == nil {
            guard changed.wait(timeout: .now() + 10) == .success else { break }
        }
        #expect(feed.current.hello?.v == BoardMessage.version)
        #expect(feed.current.board?[job: "j"]?.phase("fetch")?.steps.items?.first?.state == .canceled)
    }
}
