import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// This process's resident memory in KiB (the engine under test runs in it).
func residentKB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }
    return 0
}

/// Sends raw bytes (a line need not be valid UTF-8 or end with a newline).
func sendRaw(_ c: EngineConnection, _ bytes: [UInt8]) {
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { raw in Glibc.send(c.fd, raw.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
        if n < 0 && errno == EINTR { continue }
        precondition(n > 0, "send failed: \(errno)")
        off += n
    }
}

/// The (line, reason) of each error reply.
func errors(_ replies: [Reply]) -> [(Int, String)] {
    replies.compactMap { r in if case .error(let n, let why) = r { return (n, why) }; return nil }
}

/// Lines built as bytes; `expect` records which line numbers must come back as errors and why.
struct Script {
    var bytes: [UInt8] = []
    var count = 0
    var expected: [(Int, String)] = []
    mutating func ok(_ s: String) { raw(Array(s.utf8)) }
    mutating func bad(_ s: String, _ why: String) { bad(Array(s.utf8), why) }
    mutating func bad(_ b: [UInt8], _ why: String) { raw(b); expected.append((count, why)) }
    mutating func raw(_ b: [UInt8]) { bytes += b + [0x0A]; count += 1 }
}

/// Sends the script, syncs, and checks each bad line got exactly one error naming its line.
func run(_ s: Script, on c: EngineConnection, sourceLocation: SourceLocation = #_sourceLocation) throws {
    sendRaw(c, s.bytes)
    let got = errors(try c.sync(timeout: 30))
    #expect(got.map(\.0) == s.expected.map(\.0), "error lines", sourceLocation: sourceLocation)
    for ((line, why), (_, want)) in zip(got, s.expected) {
        #expect(why.contains(want), "line \(line): \(why) (wanted: \(want))", sourceLocation: sourceLocation)
    }
}

@Suite("Hostile input over a real socket", .serialized)
struct HostileInputTests {
    @Test func invalidUTF8AnywhereIsRefusedAndTheLinesAroundItApply() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        var s = Script()
        s.ok(#"{"type":"job.start","job":"j","phases":["a"]}"#)
        func log(_ mid: [UInt8]) -> [UInt8] { Array(#"{"type":"log","job":"j","message":"x"#.utf8) + mid + Array(#""}"#.utf8) }
        s.bad(log([0xFF]), "not valid UTF-8")                  // a byte that is never UTF-8
        s.bad(log([0xC0, 0xAF]), "not valid UTF-8")            // overlong '/'
        s.bad(log([0xED, 0xA0, 0x80]), "not valid UTF-8")      // a UTF-16 surrogate, encoded
        s.bad(log([0xE2, 0x82]), "not valid UTF-8")            // cut short
        s.bad(log([0xF4, 0x90, 0x80, 0x80]), "not valid UTF-8") // past U+10FFFF
        s.bad([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], "not valid UTF-8") // in a member name: {"\xFF":1}
        s.bad([0xFF, 0xFE, 0x7B, 0x7D], "invalid JSON at column 1")            // a UTF-16 byte order mark
        s.bad(Array(#"{"type":"progress","job":"j","phase":"a","done":1}"#.utf8) + [0x80], "invalid JSON") // after the object
        s.ok(#"{"type":"progress","job":"j","phase":"a","done":3}"#)
        s.ok(#"{"type":"log","job":"j","message":"caf\u00e9 ☕ \ud83d\ude00"}"#)
        try run(s, on: c)
        let job = try #require(e.engine.snapshot().state[job: "j"])
        #expect(job.phase("a")?.done == 3)
        #expect(job.logs.map(\.message) == ["café ☕ 😀"])
    }

    @Test func aHundredMegabyteLineIsRefusedWithoutBufferingIt() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        #expect(try send(c, [#"{"type":"job.start","job":"before"}"#]).isEmpty)
        let chunk = [UInt8](repeating: UInt8(ascii: "y"), count: 1 << 20)
        let before = residentKB()
        var peak = before
        let head = #"{"type":"log","job":"before","message":""#
        try c.send(head)
        for k in 0..<100 {
            sendRaw(c, chunk)
            if k % 5 == 4 { peak = max(peak, residentKB()) }
        }
        // Still no newline: the engine is mid-line and another client is not held up.
        let other = try e.connect()
        #expect(try send(other, [#"{"type":"job.start","job":"meanwhile"}"#]).isEmpty)
        peak = max(peak, residentKB())
        try c.send("\"}\n")
        let replies = errors(try send(c, [#"{"type":"job.start","job":"after"}"#]))
        let after = residentKB()
        let lineBytes = head.utf8.count + 100 << 20 + 2
        #expect(replies.map(\.0) == [3])  // 1: job.start, 2: its sync
        #expect(replies.first?.1 == "line too long (\(lineBytes) bytes; the limit is \(maxLineBytes))")
        let state = e.engine.snapshot().state
        #expect(state[job: "after"] != nil && state[job: "meanwhile"] != nil)
        #expect(state[job: "before"]?.logs.isEmpty == true)
        print("100 MB line: engine RSS \(before / 1024) MB before, peak \(peak / 1024) MB while sending, \(after / 1024) MB after")
        #expect(peak - before < 48 * 1024, "RSS grew by \((peak - before) / 1024) MB while a 100 MB line came in")
    }

    @Test func deepNestingIsRefusedAtSixtyFourLevels() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        let deep = 10_000
        var s = Script()
        s.ok(#"{"type":"job.start","job":"j"}"#)
        s.bad(String(repeating: "[", count: deep) + String(repeating: "]", count: deep), "nesting deeper than 64 levels")
        s.bad(String(repeating: #"{"a":"#, count: deep) + "1" + String(repeating: "}", count: deep), "nesting deeper than 64 levels")
        s.bad(#"{"type":"checkpoint","job":"j","name":"c","data":"# + String(repeating: "[", count: deep) + String(repeating: "]", count: deep) + "}",
              "nesting deeper than 64 levels")
        s.bad(String(repeating: "[", count: 60_000), "nesting deeper than 64 levels")  // never closed
        // 64 levels are fine.
        s.ok(#"{"type":"checkpoint","job":"j","name":"c","data":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}")
        try run(s, on: c)
        #expect(e.engine.snapshot().state[job: "j"]?.checkpoints.count == 1)
    }

    @Test func numbersThatOverflowOrAreNotNumbersAreRefused() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        var s = Script()
        let p = #"{"type":"progress","job":"j","phase":"a","#
        s.ok(#"{"type":"job.start","job":"j","phases":["a"]}"#)
        s.bad(p + #""done":1e400}"#, "number out of range")
        s.bad(p + #""done":-1e400}"#, "number out of range")
        s.bad(p + #""done":18446744073709551616}"#, "is too large")
        s.bad(p + #""done":9223372036854775808}"#, "is too large")
        s.bad(p + #""done":9007199254740993}"#, "is too large")
        s.bad(p + #""inc":-9223372036854775808}"#, "is too large")
        s.bad(p + #""inc":9223372036854775807}"#, "is too large")
        s.bad(p + #""done":1.5}"#, "must be a whole number")
        s.bad(p + #""done":NaN}"#, "NaN and Infinity are not JSON numbers")
        s.bad(p + #""done":Infinity}"#, "NaN and Infinity are not JSON numbers")
        s.bad(p + #""done":-Infinity}"#, "expected a digit")
        s.bad(p + #""done":"NaN"}"#, "must be an integer")
        s.bad(#"{"type":"metric","job":"j","name":"m","value":NaN}"#, "NaN and Infinity")
        s.bad(#"{"type":"metric","job":"j","name":"m","value":1e999}"#, "number out of range")
        s.bad(p + #""done":1,"seq":99999999999999999999}"#, "is too large")
        s.bad(p + #""done":1,"ts":1e300}"#, "past the year 5000")
        s.bad(p + #""done":1,"ts":-1}"#, "not negative")
        s.bad(#"{"type":"job.start","job":"k","pid":2147483648}"#, "must be a process id")
        s.bad(#"{"type":"silence","job":"j","for":1e308,"by":"me"}"#, "silence for must be 1 s to 30 days")
        // Negative counts and totals.
        s.bad(p + #""total":-1}"#, "must not be negative")
        s.bad(p + #""done":-5}"#, "must not be negative")
        s.bad(p + #""failed":-1}"#, "must not be negative")
        // The largest count, then one more by inc.
        s.ok(p + #""done":9007199254740992}"#)
        s.bad(p + #""inc":1}"#, "inc 1 takes done out of range")
        s.bad(p + #""inc":-9007199254740993}"#, "is too large")
        // Back down: refused (two producers on one id?), unless the count says it starts again.
        s.bad(p + #""done":5,"total":0}"#, "done 5 is below phase 'a''s done 9007199254740992: counts do not go backwards")
        s.ok(p + #""done":5,"total":0,"reset":true}"#)
        s.ok(#"{"type":"metric","job":"j","name":"m","value":-1.7976931348623157e308}"#)
        try run(s, on: c)
        let job = try #require(e.engine.snapshot().state[job: "j"])
        #expect(job.phase("a")?.done == 5)
        #expect(job.metrics.first?.value == -.greatestFiniteMagnitude)
        #expect(e.engine.snapshot().state[job: "k"] == nil)
        // What viewers are sent still encodes.
        _ = BoardMessage.board(version: 1, board: try JSONValueEncoder.encode(BoardProjector.board(e.engine.snapshot().state, now: 0, options: .everything))).line()
    }

    @Test func doneAboveTotalGrowsTheTotal() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        #expect(try send(c, [#"{"type":"job.start","job":"j","phases":["a"]}"#,
                             #"{"type":"progress","job":"j","phase":"a","done":150,"failed":10,"total":100}"#]).isEmpty)
        let phase = try #require(e.engine.snapshot().state[job: "j"]?.phase("a"))
        #expect(phase.total == 100)
        #expect(phase.effectiveTotal == 160)
        #expect(phase.fraction == 1)
        #expect(phase.remaining == 0)
    }

    @Test func unknownJobsAndPhases() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        var s = Script()
        s.bad(#"{"type":"progress","job":"ghost","phase":"a","done":1}"#, "unknown job 'ghost': send job.start first")
        s.bad(#"{"type":"log","job":"ghost","message":"hi"}"#, "unknown job 'ghost'")
        s.bad(#"{"type":"job.end","job":"ghost"}"#, "unknown job 'ghost'")
        s.bad(#"{"type":"ack","job":"ghost","alert":"x","by":"me"}"#, "unknown job 'ghost'")
        s.ok(#"{"type":"job.start","job":"j","phases":["a"]}"#)
        // A phase the job did not declare is created (dynamic pipelines)...
        s.ok(#"{"type":"progress","job":"j","phase":"surprise","done":1}"#)
        s.ok(#"{"type":"phase.end","job":"j","phase":"never-started","status":"skipped"}"#)
        s.bad(#"{"type":"ack","job":"j","alert":"nope","by":"me"}"#, "no alert 'nope' for job 'j'")
        // ...up to the limit.
        for k in 3..<PipelineState.maxPhases { s.ok(#"{"type":"step","job":"j","phase":"p\#(k)","step":"s","state":"done"}"#) }
        s.bad(#"{"type":"phase.start","job":"j","phase":"one-too-many"}"#, "already has 1000 phases; phase 'one-too-many' refused")
        s.ok(#"{"type":"progress","job":"j","phase":"a","done":2}"#)
        // A declaration is held to the same limit: a resume that would add phases past it is
        // refused whole, one that only repeats known phases is taken.
        s.bad(#"{"type":"job.start","job":"j","phases":["a","p5","brand-new"]}"#, "job 'j' would have 1001 phases; a job may have at most 1000")
        s.ok(#"{"type":"job.start","job":"j","phases":["a","p5"]}"#)
        let many = (0..<1_001).map { "\"q\($0)\"" }.joined(separator: ",")
        s.bad(#"{"type":"job.start","job":"wide","phases":[\#(many)]}"#, "job 'wide' would have 1001 phases")
        try run(s, on: c)
        let job = try #require(e.engine.snapshot().state[job: "j"])
        #expect(e.engine.snapshot().state[job: "wide"] == nil)
        #expect(job.phases.count == PipelineState.maxPhases)
        #expect(job.phase("surprise")?.state == .running)
        #expect(job.phase("never-started")?.state == .skipped)
    }

    @Test func outOfOrderAndFarFutureTimestamps() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        let now = Date().timeIntervalSince1970
        var s = Script()
        s.ok(#"{"type":"job.start","job":"j","phases":["a"],"ts":\#(now)}"#)
        s.ok(#"{"type":"progress","job":"j","phase":"a","done":10,"ts":\#(now + 5)}"#)
        s.ok(#"{"type":"progress","job":"j","phase":"a","done":20,"ts":\#(now - 3600)}"#)  // an hour back
        s.ok(#"{"type":"progress","job":"j","phase":"a","done":30,"ts":0}"#)               // 1970
        s.ok(#"{"type":"job.start","job":"future","phases":["a"],"ts":99999999999}"#)     // year 5138
        s.ok(#"{"type":"progress","job":"future","phase":"a","done":1,"total":10,"ts":99999999999}"#)
        s.ok(#"{"type":"progress","job":"future","phase":"a","done":2,"ts":\#(now)}"#)
        s.bad(#"{"type":"progress","job":"future","phase":"a","done":3,"ts":100000000000}"#, "past the year 5000")
        s.ok(#"{"type":"job.start","job":"k","phases":["a"]}"#)
        s.ok(#"{"type":"progress","job":"k","phase":"a","done":1,"total":2}"#)
        try run(s, on: c)
        // Events apply in the order they came, whatever their ts; each job keeps its newest time.
        let state = e.engine.snapshot().state
        #expect(state[job: "j"]?.phase("a")?.done == 30)
        #expect(state[job: "j"]?.updatedAt == now + 5)
        #expect(state[job: "future"]?.phase("a")?.done == 2)
        #expect(state[job: "k"]?.phase("a")?.done == 1)
        // The clock tick (estimates, rules) and what viewers are sent cope.
        e.engine.tick()
        _ = BoardMessage.board(version: 1, board: try JSONValueEncoder.encode(BoardProjector.board(e.engine.snapshot().state, now: now, options: .everything))).line()
        #expect(try send(c, [#"{"type":"job.end","job":"future"}"#, #"{"type":"job.end","job":"j"}"#]).isEmpty)
    }

    @Test func aRepeatedJobStartResumesALiveJobAndStartsANewRunOfAFinishedOne() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"first","phases":["a"]}"#,
                             #"{"type":"progress","job":"j","phase":"a","done":5}"#,
                             #"{"type":"job.start","job":"j","name":"again","phases":["b"]}"#]).isEmpty)
        var job = try #require(e.engine.snapshot().state[job: "j"])
        #expect(job.run == 1)
        #expect(job.name == "again")
        #expect(job.phases.map(\.id) == ["a", "b"])
        #expect(job.phase("a")?.done == 5)
        #expect(try send(c, [#"{"type":"job.end","job":"j","status":"failed"}"#,
                             #"{"type":"job.start","job":"j","phases":["c"]}"#]).isEmpty)
        job = try #require(e.engine.snapshot().state[job: "j"])
        #expect(job.run == 2)
        #expect(job.state == .running)
        #expect(job.phases.map(\.id) == ["c"])
        #expect(e.engine.snapshot().state.order == ["j"])
    }

    @Test func aHundredThousandJobsStopAtTheLiveJobLimit() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        let before = residentKB()
        let started = Date()
        let total = 100_000
        for base in stride(from: 0, to: total, by: 5_000) {
            let lines = (base..<base + 5_000).map { #"{"type":"job.start","job":"job-\#($0)","phases":["a"]}"# }
            try c.send(lines.joined(separator: "\n") + "\n")
            c.discardReplies()
        }
        var tail = try c.sync(timeout: 120)
        let seconds = Date().timeIntervalSince(started)
        let limit = PipelineState.maxLiveJobs
        var state = e.engine.snapshot().state
        #expect(state.jobs.count == limit)
        #expect(state.liveJobs == limit)
        #expect(e.engine.counters.refused == UInt64(total - limit))
        #expect(state[job: "job-\(limit - 1)"] != nil && state[job: "job-\(limit)"] == nil)
        #expect(errors(tail).allSatisfy { $0.1.hasPrefix("already \(limit) unfinished jobs (the limit); job 'job-") })
        let refusal = errors(try send(c, [#"{"type":"job.start","job":"one-more"}"#]))
        #expect(refusal.map(\.0) == [total + 2])
        #expect(refusal.first?.1 == "already \(limit) unfinished jobs (the limit); job 'one-more' refused until some end")
        print("\(total) job.start lines: \(Int(seconds * 1000)) ms, engine RSS \(before / 1024) -> \(residentKB() / 1024) MB, \(state.jobs.count) jobs kept")
        // Ending jobs makes room; finished jobs are kept up to their own limit, newest last.
        let ends = (0..<5_000).map { #"{"type":"job.end","job":"job-\#($0)"}"# }
        tail = try send(c, ends)
        #expect(tail.isEmpty)
        #expect(try send(c, [#"{"type":"job.start","job":"fresh"}"#]).isEmpty)
        state = e.engine.snapshot().state
        let finished = state.jobs.values.filter { $0.state.isTerminal }.count
        #expect(finished <= PipelineState.maxFinishedJobs + PipelineState.maxFinishedJobs / 10)
        #expect(finished >= PipelineState.maxFinishedJobs)
        #expect(state[job: "job-4999"] != nil)   // the newest finished are the ones kept
        #expect(state[job: "job-0"] == nil)
        #expect(state.order.count == state.jobs.count)
        #expect(state.liveJobs == limit - 5_000 + 1)
        #expect(state.history.count <= PipelineState.maxPipelines + PipelineState.maxPipelines / 10)
    }

    @Test func aClientThatHangsMidLineHoldsUpNobody() throws {
        let e = try RunningEngine()
        let hung = try e.connect()
        try hung.send(#"{"type":"job.start","job":"ok"}"# + "\n" + #"{"type":"job.start","job":"ha"#)
        let other = try e.connect()
        #expect(try send(other, [#"{"type":"job.start","job":"other"}"#]).isEmpty)
        // The hung client's whole line is applied too (on its own connection's loop).
        let until = Date().addingTimeInterval(5)
        while e.engine.snapshot().state[job: "ok"] == nil && Date() < until { usleep(10_000) }
        #expect(e.engine.snapshot().state[job: "ok"] != nil)
        // The half line waits for its end...
        try hung.send(#"lf"}"# + "\n")
        #expect(try hung.sync().isEmpty)
        #expect(e.engine.snapshot().state[job: "half"] != nil)
        // ...and is dropped when the client goes away without ending it.
        try hung.send(#"{"type":"job.start","job":"never"}"#)  // whole JSON, no newline
        try hung.finishSendingAndWaitForClose()
        #expect(try send(other, [#"{"type":"job.start","job":"still-fine"}"#]).isEmpty)
        #expect(e.engine.snapshot().state[job: "never"] == nil)
        #expect(e.engine.snapshot().state[job: "still-fine"] != nil)
    }

    @Test func aClientThatNeverReadsItsErrorsDoesNotGrowTheEngine() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        let lines = 1_000_000
        let batch = 20_000
        let one = Array(#"{"type":"nope","job":"x"}"#.utf8) + [0x0A]
        var chunk: [UInt8] = []
        for _ in 0..<batch { chunk += one }
        let before = residentKB()
        var peak = before
        let started = Date()
        for k in 0..<lines / batch {
            sendRaw(c, chunk)  // and never read
            if k % 5 == 4 { peak = max(peak, residentKB()) }
        }
        // A sync must be answered: it is, after the replies already queued.
        let replies = try c.sync(timeout: 60)
        let seconds = Date().timeIntervalSince(started)
        #expect(e.engine.counters.refused == UInt64(lines))
        let got = errors(replies)
        #expect(got.count < lines / 10, "the replies of a client that does not read are dropped, not queued")
        #expect(got.allSatisfy { $0.1 == "unknown type 'nope'" })
        #expect(zip(got, got.dropFirst()).allSatisfy { $0.0 < $1.0 })
        print("1M bad lines, never read: \(Int(seconds * 1000)) ms, engine RSS \(before / 1024) MB before, peak \(peak / 1024) MB, \(got.count) replies queued")
        #expect(peak - before < 48 * 1024, "RSS grew by \((peak - before) / 1024) MB")
        // The connection still works, and a client that reads gets every error.
        #expect(errors(try send(c, [#"{"type":"job.start","job":"j"}"#, "x"])).map(\.0) == [lines + 3])
    }
}
