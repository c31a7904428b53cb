import Testing
@testable import PipetopCore

@Suite("Rate and ETA")
struct EstimationTests {
    @Test func rateOverTheWindowEndsAtNow() {
        var w = RateWindow()
        for i in 0...20 { w.record(i * 10, at: Double(i)) }  // 10 items/s for 20 s
        #expect(abs((w.rate(now: 20) ?? 0) - 10) < 1e-9)
        // Ten seconds with no progress: the rate falls instead of freezing.
        let stalled = w.rate(now: 30) ?? 0
        #expect(stalled < 10 && stalled > 0)
        #expect(abs(stalled - 200.0 / 30.0) < 1e-9)
    }

    @Test func rateLooksBackOnlyAsFarAsTheWindow() {
        var w = RateWindow()
        for i in 0...100 { w.record(i < 50 ? i * 1 : 50 + (i - 50) * 100, at: Double(i)) }  // slow then fast
        let r = w.rate(now: 100, window: 30) ?? 0
        #expect(abs(r - 100) < 1e-9)
    }

    @Test func burstsDoNotPushHistoryOut() {
        var w = RateWindow()
        w.record(0, at: 0)
        for i in 1...10_000 { w.record(i, at: 1 + Double(i) * 0.0001) }
        #expect(w.samples.count <= 4)
        #expect(w.samples.first?.t == 0)
    }

    @Test func countsGoingBackResetTheWindow() {
        var w = RateWindow()
        w.record(100, at: 0)
        w.record(200, at: 10)
        w.record(5, at: 11)
        #expect(w.samples.count == 1)
        #expect(w.rate(now: 12) == nil)
    }

    @Test func etaIsRemainingOverRate() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        try s.apply(Event(job: "j", .phaseStart(.init(phase: "p", total: 1000))), now: 0)
        for t in 1...10 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 50))), now: Double(t)) }
        let p = try #require(s[job: "j"]?.phase("p"))
        let eta = try #require(ETA.phase(p, now: 10))
        #expect(abs(eta - 10) < 1e-9)  // 500 left at 50/s
        #expect(ETA.idle(p, now: 14) == 4)
    }

    @Test func noTotalMeansNoETA() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 5))), now: 1)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 10))), now: 2)
        #expect(ETA.phase(try #require(s[job: "j"]?.phase("p")), now: 2) == nil)
    }
}

@Suite("Format")
struct FormatTests {
    @Test(arguments: [(0.0, "0s"), (59.4, "59s"), (192, "3m12s"), (3600, "1h00m"), (7500, "2h05m"), (90000, "1d01h")])
    func durations(_ s: Double, _ text: String) { #expect(Format.duration(s) == text) }

    @Test func missingOrNegativeDurationIsADash() {
        #expect(Format.duration(nil) == "-")
        #expect(Format.duration(-3) == "-")
        #expect(Format.duration(.infinity) == "-")
    }

    @Test func countsAndRates() {
        #expect(Format.count(9_999) == "9999")
        #expect(Format.count(12_345) == "12.3k")
        #expect(Format.count(4_500_000) == "4.50M")
        #expect(Format.rate(0.42) == "0.4/s")
        #expect(Format.rate(12.4) == "12/s")
        #expect(Format.rate(1234) == "1.23k/s")
        #expect(Format.rate(5, unit: "rows") == "5.0 rows/s")
        #expect(Format.percent(0.999) == "99%")
        #expect(Format.percent(1.5) == "100%")
    }
}

@Suite("Whole-job ETA")
struct JobETATests {
    /// A pipeline with two completed runs in history: fetch took 100 and 120 s, load 50 and 70 s.
    func stateWithHistory() throws -> PipelineState {
        var s = PipelineState()
        for (run, (f, l)) in [(100.0, 50.0), (120.0, 70.0)].enumerated() {
            let t = Double(run) * 10_000
            try s.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "fetch"), .init(id: "load"), .init(id: "index")]))), now: t)
            try s.apply(Event(job: "j", .phaseStart(.init(phase: "fetch"))), now: t)
            try s.apply(Event(job: "j", .phaseEnd(.init(phase: "fetch"))), now: t + f)
            try s.apply(Event(job: "j", .phaseStart(.init(phase: "load"))), now: t + f)
            try s.apply(Event(job: "j", .phaseEnd(.init(phase: "load"))), now: t + f + l)
            try s.apply(Event(job: "j", .phaseEnd(.init(phase: "index", status: .skipped))), now: t + f + l)
            try s.apply(Event(job: "j", .jobEnd(.init(status: .completed))), now: t + f + l)
        }
        return s
    }

    @Test func phasesAheadCountWithTheirUsualDuration() throws {
        var s = try stateWithHistory()
        let t = 50_000.0
        try s.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "fetch"), .init(id: "load"), .init(id: "index")]))), now: t)
        try s.apply(Event(job: "j", .phaseStart(.init(phase: "fetch", total: 100))), now: t)
        for k in 1...10 { try s.apply(Event(job: "j", .progress(.init(phase: "fetch", done: k * 5))), now: t + Double(k)) }
        // fetch: 50 left at 5/s = 10 s; load: p50 of [50, 70] = 50 s; index: never ran, no history.
        let job = try #require(s[job: "j"])
        let eta = try #require(JobETA.estimate(job, history: s, now: t + 10))
        #expect(abs(eta.seconds - 60) < 1e-6)
        #expect(!eta.complete)  // index has no history: at least 60 s
    }

    @Test func withoutAnyHistoryOnlyTheRunningPhaseCounts() throws {
        var s = PipelineState()
        try s.apply(Event(job: "n", .jobStart(.init(name: "new", phases: [.init(id: "a"), .init(id: "b")]))), now: 0)
        try s.apply(Event(job: "n", .phaseStart(.init(phase: "a", total: 10))), now: 0)
        try s.apply(Event(job: "n", .progress(.init(phase: "a", done: 5))), now: 5)
        let running = try #require(s[job: "n"])
        let eta = try #require(JobETA.estimate(running, history: s, now: 5))
        #expect(eta.seconds == 5 && !eta.complete)
        try s.apply(Event(job: "n", .jobEnd(.init(status: .completed))), now: 6)
        let ended = try #require(s[job: "n"])
        #expect(JobETA.estimate(ended, history: s, now: 6) == nil)
    }
}
