import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// Subscriber protocol 2 over a real socket: the Board, then deltas that rebuild the engine's
/// next Board, `focus` for one phase's steps, and the typed event stream.
@Suite("Subscriber protocol 2", .serialized)
struct SubscriberV2Tests {
    /// Reads messages until `until` says stop (or 10 s pass).
    func read(_ c: EngineConnection, until: (BoardMessage) -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let line = try c.readLine(timeout: 1) else { continue }
            if until(try BoardMessage.decode(line)) { return }
        }
        throw ClientError("not seen within 10 s")
    }

    @Test func aViewerGetsTheBoardThenDeltasThatRebuildIt() throws {
        let e = try RunningEngine()
        let producer = try e.connect()
        defer { producer.close() }
        #expect(try send(producer, [#"{"type":"job.start","job":"j","name":"import","phases":["load","index"]}"#,
                                    #"{"type":"phase.start","job":"j","phase":"load","total":1000}"#]).isEmpty)
        let viewer = try e.connect()
        defer { viewer.close() }
        try viewer.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
        var hello: SubscriberHello?
        var board: JSONValue?
        try read(viewer) { m in
            if case .hello(let h) = m { hello = h }
            if case .board(_, let b) = m { board = b; return true }
            return false
        }
        #expect(hello?.v == 2)
        var mine = try #require(board)
        #expect(try JSONValueDecoder.decode(Board.self, from: mine)[job: "j"]?.phases.count == 2)

        var deltaBytes: [Int] = []
        for done in stride(from: 100, through: 500, by: 100) {
            #expect(try send(producer, [#"{"type":"progress","job":"j","phase":"load","done":\#(done)}"#]).isEmpty)
            try read(viewer) { m in
                guard case .delta(_, let changes) = m else { return false }
                deltaBytes.append(JSONWriter.string(changes).utf8.count)
                mine = MergePatch.apply(changes, to: mine)
                return (try? JSONValueDecoder.decode(Board.self, from: mine))?[job: "j"]?.done == done
            }
        }
        // What the viewer rebuilt is the engine's Board, figure for figure.
        let rebuilt = try JSONValueDecoder.decode(Board.self, from: mine)
        let truth = BoardProjector.board(e.server.engine.snapshot().state, now: rebuilt.at)
        #expect(rebuilt.jobs == truth.jobs)
        #expect(deltaBytes.allSatisfy { $0 < 400 }, "\(deltaBytes)")
    }

    @Test func focusBringsOnePhasesStepsToThatViewerOnly() throws {
        let e = try RunningEngine()
        let producer = try e.connect()
        defer { producer.close() }
        #expect(try send(producer, [#"{"type":"job.start","job":"j","name":"import","phases":["load"]}"#,
                                    #"{"type":"phase.start","job":"j","phase":"load"}"#,
                                    #"{"type":"step","job":"j","phase":"load","step":"page 1","state":"running"}"#]).isEmpty)
        let viewer = try e.connect()
        defer { viewer.close() }
        try viewer.send(#"{"type":"subscribe","v":2}"# + "\n")
        var first: Board?
        try read(viewer) { m in
            if case .board(_, let b) = m { first = try? JSONValueDecoder.decode(Board.self, from: b); return true }
            return false
        }
        #expect(first?[job: "j"]?.phases[0].steps.items == nil)
        #expect(first?[job: "j"]?.phases[0].steps.running == 1)
        try viewer.send(#"{"type":"focus","job":"j","phase":"load"}"# + "\n")
        var focused: Board?
        try read(viewer) { m in
            if case .board(_, let b) = m { focused = try? JSONValueDecoder.decode(Board.self, from: b); return true }
            return false
        }
        #expect(focused?[job: "j"]?.phases[0].steps.items?.map(\.id) == ["page 1"])
    }

    @Test func theEventStreamHasAPauseAndResumeInsideOneFrame() throws {
        let e = try RunningEngine()
        let producer = try e.connect()
        defer { producer.close() }
        #expect(try send(producer, [#"{"type":"job.start","job":"j","name":"import","phases":["load"]}"#]).isEmpty)
        let viewer = try e.connect()
        defer { viewer.close() }
        // One frame a second: the pause and the resume below land inside one frame.
        try viewer.send(#"{"type":"subscribe","v":2,"fps":1,"events":true,"jobs":["j"],"types":["job.state"]}"# + "\n")
        try read(viewer) { if case .board = $0 { return true } else { return false } }
        #expect(try send(producer, [#"{"type":"job.state","job":"j","state":"paused"}"#,
                                    #"{"type":"log","job":"j","message":"not asked for"}"#,
                                    #"{"type":"job.state","job":"j","state":"running"}"#]).isEmpty)
        var states: [String] = []
        var seqs: [UInt64] = []
        try read(viewer) { m in
            if case .event(let seq, let ev) = m, case .string(let s)? = ev["state"] { states.append(s); seqs.append(seq) }
            return states.count == 2
        }
        #expect(states == ["paused", "running"])
        #expect(seqs.count == 2 && seqs[1] == seqs[0] + 2)  // the log line between them was filtered out, not lost
    }
}
