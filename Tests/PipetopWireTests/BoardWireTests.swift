import Testing
import PipetopCore
import PipetopWire

/// The Board on the wire: encoded without Foundation, decoded with the wire module's own
/// parser, and sent as field-level deltas that rebuild the next Board exactly.
@Suite struct BoardWireTests {
    /// A small deterministic generator (the same streams on every run).
    struct Rand {
        var s: UInt64
        mutating func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s >> 33 }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    }

    /// A random stream of event lines over a few jobs, phases and steps, with times.
    func stream(seed: UInt64, count: Int) -> [(line: String, at: Double)] {
        var r = Rand(s: seed)
        var out: [(String, Double)] = []
        var t = 1_000_000.0
        var done: [String: Int] = [:]
        let jobs = ["a", "b", "c", "d"], phases = ["fetch", "load", "index"]
        for _ in 0..<count {
            t += Double(r.int(2000)) / 1000
            let j = r.pick(jobs), p = r.pick(phases)
            let line: String
            switch r.int(14) {
            case 0: line = #"{"type":"job.start","job":"\#(j)","name":"job \#(j)","labels":{"pipeline":"p\#(j)","teamName":"x"},"phases":["fetch","load","index"]}"#
            case 1: line = #"{"type":"phase.start","job":"\#(j)","phase":"\#(p)","total":\#(100 + r.int(900)),"unit":"rows"}"#
            case 2, 3, 4, 5:
                let key = j + p
                done[key, default: 0] += r.int(40)
                line = #"{"type":"progress","job":"\#(j)","phase":"\#(p)","done":\#(done[key]!),"failed":\#(r.int(3))}"#
            case 6: line = #"{"type":"step","job":"\#(j)","phase":"\#(p)","step":"s\#(r.int(6))","state":"\#(r.pick(["running", "done", "failed"]))","detail":"d\#(r.int(9))"}"#
            case 7: line = #"{"type":"log","job":"\#(j)","level":"\#(r.pick(["info", "warn", "error"]))","message":"m \#(r.int(99))","phase":"\#(p)"}"#
            case 8: line = #"{"type":"phase.end","job":"\#(j)","phase":"\#(p)","status":"\#(r.pick(["done", "failed", "skipped"]))"}"#
            case 9: line = #"{"type":"checkpoint","job":"\#(j)","name":"c\#(r.int(5))","data":{"offset":\#(r.int(1000))}}"#
            case 10: line = #"{"type":"job.end","job":"\#(j)","status":"\#(r.pick(["completed", "failed", "canceled"]))","error":"e"}"#
            case 11: line = #"{"type":"alert","job":"\#(j)","severity":"\#(r.pick(["info", "warning", "critical"]))","message":"disk \#(r.int(3))","name":"n\#(r.int(2))"}"#
            case 12: line = #"{"type":"job.state","job":"\#(j)","state":"\#(r.pick(["paused", "running"]))"}"#
            default: line = #"{"type":"metric","job":"\#(j)","name":"loss","value":\#(Double(r.int(1000)) / 7)}"#
            }
            out.append((line, t))
        }
        return out
    }

    func encode(_ b: Board) throws -> JSONValue {
        // Through the text the wire carries, and back.
        try JSONParser.parse(JSONWriter.string(try JSONValueEncoder.encode(b)))
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func deltasAppliedToASnapshotEqualTheNextSnapshot(seed: UInt64) throws {
        var state = PipelineState()
        var viewer: JSONValue?
        var last: JSONValue?
        // The dashboard's way: only the jobs a delta names are decoded again.
        var mirror: BoardMirror?
        var frames = 0, applied = 0
        for (i, (line, at)) in stream(seed: seed, count: 600).enumerated() {
            if case .success(.event(let e)) = EventDecoder.decode(line) {
                if (try? state.apply(e, now: at)) != nil { applied += 1 }
            }
            guard i % 7 == 6 else { continue }  // a frame every few events
            state.refreshEstimates(now: at)
            state.apply(SamplerReading(at: at, host: nil, jobs: ["a": TreeSample(cpuPercent: Double(i % 90), cpuSeconds: 0.5, rss: 1000 + i,
                                                                                   processes: 2, threads: 3, readBytes: i, writeBytes: 2 * i, interval: 1)]))
            let board = BoardProjector.board(state, now: at + 0.25, options: BoardOptions(focusJob: "a", focusPhase: "load"))
            let next = try encode(board)
            if let old = last, var v = viewer {
                if let patch = MergePatch.diff(old, next) {
                    // The patch too goes through the wire's text.
                    let sent = try JSONParser.parse(JSONWriter.string(patch))
                    v = MergePatch.apply(sent, to: v)
                    try mirror?.apply(sent)
                }
                viewer = v
            } else {
                viewer = next
                mirror = try BoardMirror(next)
            }
            last = next
            frames += 1
            let rebuilt = try JSONValueDecoder.decode(Board.self, from: try #require(viewer))
            #expect(rebuilt == board, "frame \(frames) of seed \(seed)")
            #expect(mirror?.board == board, "the mirror, frame \(frames) of seed \(seed)")
            if rebuilt != board { return }
        }
        #expect(frames > 50 && applied > 300)
    }

    @Test func aBoardRoundTripsThroughTheWire() throws {
        var state = PipelineState()
        for (line, at) in stream(seed: 42, count: 300) {
            if case .success(.event(let e)) = EventDecoder.decode(line) { _ = try? state.apply(e, now: at) }
        }
        state.refreshEstimates(now: 1_000_400)
        let board = BoardProjector.board(state, now: 1_000_400, options: .everything)
        #expect(!board.jobs.isEmpty && !board.alerts.isEmpty)
        #expect(try JSONValueDecoder.decode(Board.self, from: try encode(board)) == board)
    }

    @Test func aProgressUpdateIsAFewNumbers() throws {
        var state = PipelineState()
        try state.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "load"), .init(id: "index")]))), now: 0)
        try state.apply(Event(job: "j", .phaseStart(.init(phase: "load", total: 100_000))), now: 0)
        try state.apply(Event(job: "j", .progress(.init(phase: "load", done: 500))), now: 1)
        let a = try JSONValueEncoder.encode(BoardProjector.board(state, now: 1))
        try state.apply(Event(job: "j", .progress(.init(phase: "load", done: 510))), now: 1.1)
        let b = try JSONValueEncoder.encode(BoardProjector.board(state, now: 1.1))
        let patch = JSONWriter.string(try #require(MergePatch.diff(a, b)))
        let whole = JSONWriter.string(b)
        #expect(patch.utf8.count * 4 < whole.utf8.count, "\(patch)")
        #expect(!patch.contains("index") && !patch.contains("import"), "\(patch)")
    }

    @Test func timelinesMoveOnByTheirNewPoints() {
        let a = JSONValue.array((0..<240).map { .int($0) })
        let b = JSONValue.array((2..<243).map { .int($0) })
        let p = MergePatch.diff(a, b)
        #expect(p == .object([("shift", .int(2)), ("append", .array([.int(240), .int(241), .int(242)]))]))
        #expect(MergePatch.apply(p!, to: a) == b)
    }

    @Test func decodingErrorsSayWhere() {
        let bad = JSONValue.object([("at", .string("noon")), ("jobs", .array([]))])
        #expect(throws: (any Error).self) { try JSONValueDecoder.decode(Board.self, from: bad) }
        do { _ = try JSONValueDecoder.decode(Board.self, from: bad) } catch { #expect("\(error)".contains("at")) }
    }
}
