import Foundation
import Testing
@testable import PipetopCore

/// A job's clock skew is the smallest arrival − `ts` over arrivals spread in time: learned at
/// once for a skewed producer, not moved by a late burst or the spool, and following a clock
/// that is corrected. The engine's clock is injected (`now:`); transport delays are made up.
@Suite struct ClockSkewTests {
    /// A job "j" with one phase, started at engine time `at` by a producer `behind` seconds
    /// late (its `job.start` took 100 ms to arrive).
    func started(at t0: Double, behind: Double) throws -> PipelineState {
        var s = PipelineState()
        try s.apply(Event(job: "j", ts: t0 - behind - 0.1, .jobStart(.init(name: "j", phases: [.init(id: "p")]))), now: t0)
        return s
    }

    func progress(_ s: inout PipelineState, done: Int, ts: Double, arrival: Double, spooled: Bool = false) throws {
        var e = Event(job: "j", ts: ts, .progress(.init(phase: "p", done: done, total: 10_000)))
        e.spooled = spooled
        try s.apply(e, now: arrival)
    }

    @Test func aSkewedProducerIsLearnedWithinAFewEvents() throws {
        let t0 = 1_800_000_000.0
        var s = try started(at: t0, behind: 600)
        // Each event takes 20 to 80 ms to arrive; the estimate is within the quickest one.
        let delays = [0.08, 0.05, 0.02]
        for (i, d) in delays.enumerated() {
            let ts = t0 - 600 + Double(i + 1)
            try progress(&s, done: i + 1, ts: ts, arrival: ts + 600 + d)
        }
        let skew = try #require(s[job: "j"]?.clockSkew)
        #expect(abs(skew - 600.02) < 1e-6, "\(skew)")
    }

    @Test func aLateBurstDoesNotMoveTheSkew() throws {
        let t0 = 1_800_000_000.0
        var s = try started(at: t0, behind: 0)
        // 30 s of prompt reports (10 ms on the way), one a second.
        for i in 1...30 { try progress(&s, done: i, ts: t0 + Double(i), arrival: t0 + Double(i) + 0.01) }
        // Then the producer is blocked for 20 s and its 40 reports of that time arrive at once.
        for k in 1...40 { try progress(&s, done: 30 + k, ts: t0 + 30 + Double(k) / 2, arrival: t0 + 50.2 + Double(k) / 1000) }
        let skew = try #require(s[job: "j"]?.clockSkew)
        #expect(abs(skew - 0.01) < 1e-6, "the burst looked like skew: \(skew)")
        // Nor can late reports that keep coming for half a minute (a slow drain).
        for k in 1...30 { try progress(&s, done: 70 + k, ts: t0 + 50 + Double(k), arrival: t0 + 80 + Double(k)) }
        #expect(abs((s[job: "j"]?.clockSkew ?? .nan) - 0.01) < 1e-6, "\(String(describing: s[job: "j"]?.clockSkew))")
    }

    @Test func spooledEventsTeachNothing() throws {
        let t0 = 1_800_000_000.0
        // Everything the engine knows of this job came from the spool, five minutes late.
        var s = PipelineState()
        var start = Event(job: "j", ts: t0, .jobStart(.init(name: "j", phases: [.init(id: "p")])))
        start.spooled = true
        try s.apply(start, now: t0 + 300)
        for i in 1...10 { try progress(&s, done: i, ts: t0 + Double(i), arrival: t0 + 300 + Double(i) / 100, spooled: true) }
        #expect(s[job: "j"]?.clockSkew == nil, "\(String(describing: s[job: "j"]?.clockSkew))")
        // Its first live report says how its clock stands.
        try progress(&s, done: 11, ts: t0 + 301, arrival: t0 + 301.03)
        #expect(abs((s[job: "j"]?.clockSkew ?? .nan) - 0.03) < 1e-6)
    }

    @Test func aClockCorrectedMidRunIsFollowed() throws {
        let t0 = 1_800_000_000.0
        var s = try started(at: t0, behind: 600)
        for i in 1...20 { try progress(&s, done: i, ts: t0 - 600 + Double(i), arrival: t0 + Double(i) + 0.01) }
        #expect(abs((s[job: "j"]?.clockSkew ?? .nan) - 600.01) < 1e-6)
        // NTP sets the producer's clock right: learned at its next event.
        try progress(&s, done: 21, ts: t0 + 21, arrival: t0 + 21.01)
        #expect(abs((s[job: "j"]?.clockSkew ?? .nan) - 0.01) < 1e-6, "\(String(describing: s[job: "j"]?.clockSkew))")

        // The other way: its clock is set ten minutes back. For a while that is a late burst,
        // then, once the arrivals from before it have passed, the new skew.
        for i in 22...40 { try progress(&s, done: i, ts: t0 - 600 + Double(i), arrival: t0 + Double(i) + 0.01) }
        #expect(abs((s[job: "j"]?.clockSkew ?? .nan) - 0.01) < 1e-6, "moved within 20 s: \(String(describing: s[job: "j"]?.clockSkew))")
        for i in 41...100 { try progress(&s, done: i, ts: t0 - 600 + Double(i), arrival: t0 + Double(i) + 0.01) }
        #expect(abs((s[job: "j"]?.clockSkew ?? .nan) - 600.01) < 1e-6, "not learned after 80 s: \(String(describing: s[job: "j"]?.clockSkew))")
    }

    @Test func theEstimateSurvivesASnapshot() throws {
        // A restart restores the state from a snapshot (JSON) and goes on: the skew with it.
        let t0 = 1_800_000_000.0
        var s = try started(at: t0, behind: 600)
        for i in 1...10 { try progress(&s, done: i, ts: t0 - 600 + Double(i), arrival: t0 + Double(i) + 0.01) }
        let data = try JSONEncoder().encode(s)
        var restored = try JSONDecoder().decode(PipelineState.self, from: data)
        try progress(&restored, done: 11, ts: t0 - 600 + 11, arrival: t0 + 11 + 5)  // a slow one
        try progress(&s, done: 11, ts: t0 - 600 + 11, arrival: t0 + 11 + 5)
        #expect(restored[job: "j"]?.clockSkew == s[job: "j"]?.clockSkew)
        #expect(abs((restored[job: "j"]?.clockSkew ?? .nan) - 600.01) < 1e-6)
    }
}
