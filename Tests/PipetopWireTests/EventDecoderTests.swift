import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopWire

/// The examples in docs/PROTOCOL.md, one JSON line per ```json block.
func protocolExamples() throws -> [String] {
    let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/PROTOCOL.md")
    let text = try String(contentsOf: doc, encoding: .utf8)
    var out: [String] = []
    var inBlock = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("```json") { inBlock = true; continue }
        if line.hasPrefix("```") { inBlock = false; continue }
        if inBlock && !line.isEmpty { out.append(String(line)) }
    }
    return out
}

func decoded(_ line: String) throws -> WireMessage { try EventDecoder.decode(line).get() }

func reason(_ line: String) -> String? {
    if case .failure(let e) = EventDecoder.decode(line) { return e.reason }
    return nil
}

@Suite("Event decoder")
struct EventDecoderTests {
    @Test func everyExampleInTheProtocolDocIsUnderstood() throws {
        let examples = try protocolExamples()
        #expect(examples.count >= 15)
        var types = Set<String>()
        for line in examples {
            if let reply = Reply.parse(line) {
                if case .synced = reply { types.insert("synced") } else { types.insert("error") }
                continue
            }
            switch EventDecoder.decode(line) {
            case .success(.event(let e)): types.insert(e.typeName)
            case .success(.sync): types.insert("sync")
            case .success(.subscribe): types.insert("subscribe")
            case .success(.resume): types.insert("resume")
            case .success(.focus): types.insert("focus")
            case .success(.state): types.insert("state")
            case .success(.signal): types.insert("signal")
            case .success(.health): types.insert("health")
            case .failure(let e): Issue.record("example refused: \(line): \(e.reason)")
            }
        }
        let all: Set<String> = ["job.start", "phase.start", "progress", "step", "phase.end", "checkpoint", "log",
                                "metric", "job.state", "job.end", "alert", "artifact", "ack", "rule", "silence", "alerts.clear", "job.forget", "sync", "subscribe", "resume", "focus", "state", "signal", "health", "synced", "error"]
        #expect(types == all)
    }

    @Test func jobStartTakesIdsAndObjects() throws {
        let m = try decoded(#"{"type":"job.start","job":"j","name":"n","phases":["a",{"id":"b","name":"B"}],"pid":12,"labels":{"k":"v","n":3}}"#)
        #expect(m == .event(Event(job: "j", .jobStart(.init(name: "n", phases: [.init(id: "a"), .init(id: "b", name: "B")], pid: 12, labels: ["k": "v", "n": "3"])))))
    }

    @Test func jobStartTakesADeadlineAsATimeAndAMaximumAsADuration() throws {
        let m = try decoded(#"{"type":"job.start","job":"j","deadline":"2026-12-02T06:00:00Z","max_duration":"1h30m"}"#)
        var start = Event.JobStart(name: "j")
        start.deadline = 1_796_191_200
        start.maxDuration = 5400
        #expect(m == .event(Event(job: "j", .jobStart(start))))
        let n = try decoded(#"{"type":"job.start","job":"j","deadline":1796191200,"max_duration":7200}"#)
        guard case .event(let e) = n, case .jobStart(let s) = e.body else { Issue.record("not a job.start"); return }
        #expect(s.deadline == 1_796_191_200 && s.maxDuration == 7200)
    }

    @Test func commonFieldsAreRead() throws {
        let m = try decoded(#"{"type":"progress","job":"j","phase":"p","done":3,"ts":1700000000.25,"seq":9,"v":1,"extra":{"ignored":true}}"#)
        #expect(m == .event(Event(job: "j", ts: 1700000000.25, seq: 9, .progress(.init(phase: "p", done: 3)))))
    }

    @Test func defaultsApply() throws {
        #expect(try decoded(#"{"type":"phase.end","job":"j","phase":"p"}"#) == .event(Event(job: "j", .phaseEnd(.init(phase: "p", status: .done)))))
        #expect(try decoded(#"{"type":"job.end","job":"j"}"#) == .event(Event(job: "j", .jobEnd(.init(status: .completed)))))
        #expect(try decoded(#"{"type":"log","job":"j","message":"m","level":"WARNING"}"#) == .event(Event(job: "j", .log(.init(level: .warn, message: "m")))))
        #expect(try decoded(#"{"type":"job.start","job":"j"}"#) == .event(Event(job: "j", .jobStart(.init(name: "j")))))
    }

    @Test(arguments: [
        (#"not json"#, "invalid JSON at column 1"),
        (#"[1,2]"#, "must be a JSON object, not array"),
        (#"{"job":"j"}"#, "missing required field 'type'"),
        (#"{"type":"progres","job":"j"}"#, "unknown type 'progres'"),
        (#"{"type":"progress","phase":"p","done":1}"#, "missing required field 'job'"),
        (#"{"type":"progress","job":"j","done":1}"#, "missing required field 'phase'"),
        (#"{"type":"progress","job":"j","phase":"p","done":"12"}"#, "field 'done' must be an integer, got string"),
        (#"{"type":"progress","job":"j","phase":"p","done":-5}"#, "field 'done' must not be negative, got -5"),
        (#"{"type":"progress","job":"j","phase":"p","done":1.5}"#, "field 'done' must be a whole number"),
        (#"{"type":"progress","job":"j","phase":"p","done":1e300}"#, "field 'done' is too large (at most 9007199254740992)"),
        (#"{"type":"progress","job":"j\u0000x","phase":"p","done":1}"#, "field 'job' must not hold control characters"),
        (#"{"type":"phase.start","job":"j","phase":"a\u001b[2J"}"#, "field 'phase' must not hold control characters"),
        (#"{"type":"progress","job":"j","phase":"p"}"#, "progress needs at least one of"),
        (#"{"type":"progress","job":"j","phase":"p","done":1,"inc":1}"#, "either 'done' or 'inc'"),
        (#"{"type":"step","job":"j","phase":"p","step":"s","state":"ok"}"#, "field 'state' must be one of running, done, failed; got 'ok'"),
        // Only the engine ends a step canceled (its job's cancel).
        (#"{"type":"step","job":"j","phase":"p","step":"s","state":"canceled"}"#, "field 'state' must be one of running, done, failed; got 'canceled'"),
        (#"{"type":"phase.end","job":"j","phase":"p","status":"running"}"#, "must be one of done, failed, skipped"),
        (#"{"type":"job.end","job":"j","status":"running"}"#, "must be one of completed, failed, canceled"),
        (#"{"type":"job.end","job":"j","status":"exploded"}"#, "field 'status' must be one of completed, failed, canceled; got 'exploded'"),
        (#"{"type":"job.state","job":"j","state":"sleeping"}"#, "field 'state' must be one of pending, running"),
        (#"{"type":"job.start","job":"","name":"x"}"#, "field 'job' must not be empty"),
        (#"{"type":"job.start","job":"j","phases":"a,b"}"#, "field 'phases' must be an array, got string"),
        (#"{"type":"job.start","job":"j","phases":["a","a"]}"#, "declared twice"),
        (#"{"type":"job.start","job":"j","pid":-1}"#, "field 'pid' must be a process id"),
        (#"{"type":"log","job":"j","message":"m","level":"loud"}"#, "field 'level' must be one of"),
        (#"{"type":"metric","job":"j","name":"m"}"#, "missing required field 'value'"),
        (#"{"type":"progress","job":"j","phase":"p","done":1,"v":2}"#, "unsupported protocol version 2"),
        (#"{"type":"progress","job":"j","phase":"p","done":1,"ts":-4}"#, "field 'ts' must be seconds since the epoch"),
        (#"{"type":"alert","job":"j","message":"m","severity":"loud"}"#, "field 'severity' must be one of info, warning, critical"),
        (#"{"type":"alert","job":"j","message":"m","resolved":"yes"}"#, "field 'resolved' must be true or false"),
        (#"{"type":"ack","job":"j","by":"me"}"#, "missing required field 'alert'"),
        (#"{"type":"artifact","job":"j","name":"x","path":"/a","url":"http://b"}"#, "a 'path' or a 'url', not both"),
        (#"{"type":"artifact","job":"j","path":"/a"}"#, "missing required field 'name'"),
        (#"{"type":"job.start","job":"j","deadline":"06:00"}"#, "field 'deadline' must be a time: seconds since the epoch or RFC 3339"),
        (#"{"type":"job.start","job":"j","max_duration":"two hours"}"#, "field 'max_duration' must be a positive duration"),
        (#"{"type":"job.start","job":"j","max_duration":-3}"#, "field 'max_duration' must be a positive duration"),
    ])
    func badLinesAreRefusedWithTheReason(_ line: String, _ expected: String) {
        let r = reason(line)
        #expect(r?.contains(expected) == true, "got \(r ?? "success") for \(line)")
    }

    @Test func tooLongIdsAreRefused() {
        let id = String(repeating: "x", count: 300)
        #expect(reason(#"{"type":"job.start","job":"\#(id)"}"#)?.contains("longer than 256 bytes") == true)
    }

    @Test func encoderAndDecoderAgree() throws {
        let events: [Event] = [
            Event(job: "j", ts: 5.5, seq: 2, .jobStart(.init(name: "n", phases: [.init(id: "a"), .init(id: "b", name: "B")], pid: 7, labels: ["x": "y"]))),
            Event(job: "j", .phaseStart(.init(phase: "a", name: "A", total: 10, unit: "rows"))),
            Event(job: "j", .progress(.init(phase: "a", done: 3, failed: 1, skipped: 2, total: 10))),
            Event(job: "j", .progress(.init(phase: "a", inc: 4))),
            Event(job: "j", .step(.init(phase: "a", step: "s1", state: .failed, detail: "why"))),
            Event(job: "j", .phaseEnd(.init(phase: "a", status: .skipped, error: nil))),
            Event(job: "j", .checkpoint(.init(name: "c", phase: "a", data: .object([("k", .array([.int(1), .null]))])))),
            Event(job: "j", .log(.init(level: .error, message: "line\nwith\u{1B}escape", phase: "a", category: "io"))),
            Event(job: "j", .metric(.init(name: "m", value: 2.5, kind: .counter, phase: "a"))),
            Event(job: "j", .jobState(.paused)),
            Event(job: "j", .jobEnd(.init(status: .canceled, error: "by user"))),
            Event(job: "j", .alert(.init(severity: .critical, message: "m", phase: "a", name: "n", resolved: true))),
            Event(job: "j", .ack(.init(alert: "j/a/phase-failed#1", by: "u@h", comment: "seen"))),
        ]
        for e in events {
            let line = EventEncoder.line(e)
            #expect(line.hasSuffix("\n"))
            #expect(line.dropLast().contains("\n") == false)
            #expect(try decoded(String(line.dropLast())) == .event(e))
        }
    }

    @Test func syncIsDurableUnlessToldOtherwise() throws {
        #expect(try decoded(#"{"type":"sync","id":"a"}"#) == .sync(id: .string("a"), durable: true))
        #expect(try decoded(#"{"type":"sync","id":"a","durable":false}"#) == .sync(id: .string("a"), durable: false))
        #expect(try decoded(#"{"type":"sync","durable":true}"#) == .sync(id: .null, durable: true))
        #expect(throws: WireError.self) { try decoded(#"{"type":"sync","durable":"no"}"#) }
    }

    @Test func repliesRoundTrip() {
        let e = Reply.error(line: 3, reason: "bad \"thing\"")
        #expect(Reply.parse(String(e.line.dropLast())) == e)
        let s = Reply.synced(id: .string("x"), line: 9)
        #expect(Reply.parse(String(s.line.dropLast())) == s)
    }

    /// The state a `{"type":"state"}` answer carries reads back whole (without Foundation).
    @Test func theStateReplyRoundTrips() throws {
        var state = PipelineState()
        try state.apply(Event(job: "j", .jobStart(.init(name: "n", phases: [.init(id: "a")]))), now: 10)
        try state.apply(Event(job: "j", .progress(.init(phase: "a", done: 5, total: 9))), now: 11)
        try state.apply(Event(job: "j", .step(.init(phase: "a", step: "s", state: .running))), now: 12)
        try state.apply(Event(job: "j", .checkpoint(.init(name: "c", data: .object([("k", .int(1))])))), now: 12)
        let line = StateReply.line(state, now: 12)
        #expect(line.last == "\n")
        let back = try #require(try StateReply.parse(line))
        #expect(back.now == 12)
        #expect(back.state == state.forCLI)
        #expect(back.state[job: "j"]?.checkpoints.first?.data?["k"] == .int(1))
    }
}

@Suite("Counts that could overflow")
struct OverflowTests {
    @Test func countsAboveTwoToThe53AreRefused() {
        let r = reason(#"{"type":"progress","job":"j","phase":"a","done":9223372036854775807,"failed":1}"#)
        #expect(r?.contains("field 'done' is too large") == true, "\(r ?? "accepted")")
        #expect(reason(#"{"type":"progress","job":"j","phase":"a","inc":9007199254740993}"#)?.contains("too large") == true)
    }

    /// Found by fuzzing (Fuzz/run wire): `abs(Int.min)` trapped and took the engine down.
    @Test func theSmallestIntegerIsRefusedNotTrappedOn() {
        #expect(reason(#"{"type":"progress","job":"j","phase":"a","inc":-9223372036854775808}"#)
                == "field 'inc' is too large (at most 9007199254740992)")
        #expect(reason(#"{"type":"progress","job":"j","phase":"a","done":-9223372036854775808}"#)
                == "field 'done' must not be negative, got -9223372036854775808")
        #expect(reason(#"{"type":"job.start","job":"j","pid":-9223372036854775808}"#)?.contains("must be a process id") == true)
        #expect(reason(#"{"type":"progress","job":"j","phase":"a","done":1,"seq":-9223372036854775808}"#) == nil)
    }

    @Test func theLargestCountsSumWithoutTrapping() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        let big = 1 << 53
        try s.apply(Event(job: "j", .progress(.init(phase: "a", done: big, failed: big, skipped: big, total: big))), now: 1)
        try s.apply(Event(job: "j", .checkpoint(.init(name: "c"))), now: 2)
        #expect(s[job: "j"]?.phase("a")?.accounted == 3 * big)
    }
}
