import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopWire

/// A viewer reads a job, phase or step state it does not know (an engine newer than it) as
/// `unknown` and keeps the frame; a producer may not send `unknown`.
@Suite("Unknown states")
struct UnknownStateDecodingTests {
    /// A focused Board with a running job, a failed phase and a failed step.
    func board() throws -> JSONValue {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "fetch"), .init(id: "load")]))), now: 100)
        try s.apply(Event(job: "j", .step(.init(phase: "fetch", step: "page 1", state: .failed, detail: "timeout"))), now: 101)
        try s.apply(Event(job: "j", .phaseEnd(.init(phase: "fetch", status: .failed))), now: 102)
        let options = BoardOptions(focusJob: "j", focusPhase: "fetch")
        return try JSONValueEncoder.encode(BoardProjector.board(s, now: 103, options: options))
    }

    /// The same JSON with some states renamed as a newer engine might.
    func renamed(_ v: JSONValue, _ pairs: [(String, String)]) throws -> JSONValue {
        var text = JSONWriter.string(v)
        for (a, b) in pairs { text = text.replacingOccurrences(of: #""state":"\#(a)""#, with: #""state":"\#(b)""#) }
        return try JSONParser.parse(text)
    }

    @Test func aWholeBoardWithNewStatesDecodes() throws {
        let v = try renamed(try board(), [("running", "sleeping"), ("failed", "quarantined")])
        let mirror = try BoardMirror(v)
        let job = try #require(mirror.board[job: "j"])
        #expect(job.state == .unknown)
        #expect(job.phase("fetch")?.state == .unknown)
        #expect(job.phase("load")?.state == .pending, "a known state still reads as itself")
        #expect(job.phase("fetch")?.steps.items?.first?.state == .unknown)
        #expect(job.phase("fetch")?.steps.items?.first?.detail == "timeout")
    }

    @Test func aDeltaWithANewStateApplies() throws {
        let v = try board()
        var mirror = try BoardMirror(v)
        let changed = try renamed(v, [("pending", "parked")])
        let delta = try #require(MergePatch.diff(v, changed))
        try mirror.apply(delta)
        #expect(mirror.board[job: "j"]?.phase("load")?.state == .unknown)
        #expect(mirror.board[job: "j"]?.phase("fetch")?.state == .failed)
    }

    @Test func producersCannotSendUnknown() throws {
        for (line, reason) in [
            (#"{"type":"job.state","job":"j","state":"unknown"}"#, "field 'state' must be one of pending, running, pausing, paused, completing, completed, canceling, canceled, failed; got 'unknown'"),
            (#"{"type":"job.end","job":"j","status":"unknown"}"#, "got 'unknown'"),
            (#"{"type":"phase.end","job":"j","phase":"p","status":"unknown"}"#, "got 'unknown'"),
            (#"{"type":"step","job":"j","phase":"p","step":"s","state":"unknown"}"#, "field 'state' must be one of running, done, failed; got 'unknown'"),
        ] {
            guard case .failure(let e) = EventDecoder.decode(line) else { Issue.record("accepted: \(line)"); continue }
            #expect(e.reason.contains(reason), "\(e.reason)")
        }
    }
}
