import Foundation
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
        for i in 1...10_000 { w.record(i, at: 5 + Double(i) * 0.0001) }
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

    /// A job with one phase of `total` items, started at 0.
    func started(total: Int = 1000, phases: [String] = ["p"]) throws -> PipelineState {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: phases.map { .init(id: $0) }))), now: 0)
        try s.apply(Event(job: "j", .phaseStart(.init(phase: phases[0], total: total))), now: 0)
        return s
    }

    func estimate(_ s: PipelineState, now: Double) throws -> Estimate {
        let job = try #require(s[job: "j"])
        return try #require(Estimator.job(job, s.estimates[job: job.id], past: s.pastRuns(pipeline: "j"), now: now))
    }

    @Test func etaIsRemainingOverRate() throws {
        var s = try started()
        for t in 1...10 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 50))), now: Double(t)) }
        let e = try estimate(s, now: 10)
        #expect(abs(e.remaining - 10) < 1e-6)  // 500 left at 50/s
        #expect(!e.calibrated && e.complete)  // no earlier runs: a rough range
        #expect(e.lo < 10 && e.hi > 10)
    }

    @Test func noTotalMeansNoETA() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 5))), now: 1)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 10))), now: 2)
        let job = try #require(s[job: "j"])
        #expect(Estimator.job(job, s.estimates[job: job.id], past: PastRuns(), now: 2) == nil)
    }

    @Test func aStallIsShownAndTheEstimateStandsStill() throws {
        var s = try started()
        for t in 1...10 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 50))), now: Double(t)) }
        let job = try #require(s[job: "j"])
        #expect(Estimator.stall(job, s.estimates[job: "j"], now: 35) == nil)  // 25 s: not yet
        #expect(Estimator.stall(job, s.estimates[job: "j"], now: 50) == 40)
        s.refreshEstimates(now: 50)
        let shown = try #require(s.estimates[job: "j"].eta?.shown)
        #expect(shown.stalledFor == 40)
        // Work left at the pace before the stall, not counting down while nothing moves.
        #expect(abs(shown.remaining - 10) < 1e-6)
        #expect(shown.left(now: 80).eta == shown.remaining)
    }

    @Test func slowUpdatesAreNotAStall() throws {
        var s = try started()
        for k in 1...6 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: k * 10))), now: Double(k) * 20) }
        let job = try #require(s[job: "j"])
        #expect(Estimator.stall(job, s.estimates[job: "j"], now: 120 + 90) == nil)  // gaps of 20 s: 90 s is within five of them
        #expect(Estimator.stall(job, s.estimates[job: "j"], now: 120 + 101) == 101)
    }

    @Test func timePausedIsNotWork() throws {
        var s = try started()
        for t in 1...10 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 50))), now: Double(t)) }
        try s.apply(Event(job: "j", .jobState(.paused)), now: 10)
        let paused = try estimate(s, now: 500)
        #expect(paused.paused)
        try s.apply(Event(job: "j", .jobState(.running)), now: 1000)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 550))), now: 1001)
        let job = try #require(s[job: "j"])
        #expect(job.activeElapsed(now: 1001) == 11)
        let phase = try #require(job.phase("p"))
        #expect(abs((s.estimates[job: "j"].rate(of: phase, in: job, now: 1001) ?? 0) - 50) < 1e-6)
        #expect(abs(try estimate(s, now: 1001).remaining - 9) < 1e-6)  // 450 left at 50/s
    }

    @Test func itemsFoundDoneAreNotSpeed() throws {
        // A resumed run reports 300 items done at once, then works at 10/s.
        var s = try started()
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 300))), now: 0.2)
        for t in 1...30 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 300 + t * 10))), now: 0.2 + Double(t)) }
        #expect(abs(try estimate(s, now: 30.2).remaining - 40) < 1e-6)  // 400 left at 10/s
    }

    @Test func skippedItemsShortenTheWorkButAreNotSpeed() throws {
        var s = try started()
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 0, skipped: 500))), now: 1)
        for t in 2...21 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: (t - 1) * 10, skipped: 500))), now: Double(t)) }
        // 300 left (1000 - 200 done - 500 skipped) at 200 items in 21 s; counting the skipped
        // ones as speed would say 9 s.
        #expect(abs(try estimate(s, now: 21).remaining - 300 / (200.0 / 21)) < 0.01)
    }

    @Test func aChangeOfPaceCutsTheLookBack() throws {
        var s = try started(total: 100_000)
        for t in 1...200 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 10))), now: Double(t)) }
        for t in 1...120 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 2000 + t * 2))), now: 200 + Double(t)) }
        let job = try #require(s[job: "j"])
        let phase = try #require(job.phase("p"))
        let live = try #require(Estimator.liveRate(s.estimates[job: "j"].rate(phase.id), now: 320, remainingItems: 100_000 - 2240))
        #expect(abs(live.rate - 2) < 0.2)  // the new pace, not the average of both (7.0)
    }

    @Test func anAbsurdTimestampIsNotTakenAsTheJobsClock() throws {
        // One report stamped in the year 10^292 (a mad clock): were it believed, the job would
        // have taken 10^300 s for its second item and the ETA would read 5·10^302 s.
        var s = try started()
        try s.apply(Event(job: "j", ts: 1, .progress(.init(phase: "p", done: 1))), now: 1)
        try s.apply(Event(job: "j", ts: 1e300, .progress(.init(phase: "p", done: 2))), now: 2)
        s.refreshEstimates(now: 3)
        let job = try #require(s[job: "j"])
        #expect(job.ownTime(3) < 10)
        // About one item a second, 998 to go: the estimate keeps the order of that.
        let e = try estimate(s, now: 3)
        #expect(e.remaining.isFinite && e.remaining > 300 && e.remaining < 3000)
        #expect(e.hi.isFinite)
    }

    @Test func aPauseAfterAPhaseEndedDoesNotShortenIt() throws {
        var s = try started(phases: ["a", "b"])
        try s.apply(Event(job: "j", .progress(.init(phase: "a", done: 1000))), now: 100)
        try s.apply(Event(job: "j", .phaseEnd(.init(phase: "a"))), now: 100)
        try s.apply(Event(job: "j", .jobState(.paused)), now: 110)
        try s.apply(Event(job: "j", .jobState(.running)), now: 410)
        let job = try #require(s[job: "j"])
        #expect(job.phase("a")?.activeElapsed(in: job, now: 500) == 100)
    }

    @Test func workCaughtUpAfterALostConnectionTookItsTime() throws {
        // 10 items/s reported every second; then nothing for 5 minutes; then the count shows
        // the 3,000 items done meanwhile (the reports were lost, not the work).
        var s = try started(total: 100_000)
        for t in 1...120 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 10))), now: Double(t)) }
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 1200 + 3000))), now: 420)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 1200 + 3010))), now: 421)
        let job = try #require(s[job: "j"])
        let phase = try #require(job.phase("p"))
        let live = try #require(Estimator.liveRate(s.estimates[job: "j"].rate(phase.id), now: 421, remainingItems: 100_000 - 4210))
        #expect(abs(live.rate - 10) < 0.5, "\(live)")
    }

    @Test func anOutageWithTheSameCountRepeatedIsLeftOut() throws {
        // 10 items/s, then 300 s stuck while the producer keeps reporting the same count, then 10/s again.
        var s = try started(total: 100_000)
        for t in 1...120 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 10))), now: Double(t)) }
        for t in 121...420 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 1200))), now: Double(t)) }
        for t in 421...430 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 1200 + (t - 420) * 10))), now: Double(t)) }
        let job = try #require(s[job: "j"])
        let phase = try #require(job.phase("p"))
        let live = try #require(Estimator.liveRate(s.estimates[job: "j"].rate(phase.id), now: 430, remainingItems: 100_000 - 1300))
        #expect(abs(live.rate - 10) < 1, "\(live)")
    }

    @Test func failedItemsTookTimeToo() throws {
        // Half the items fail; both halves go at 5/s each: 10 items a second are worked through.
        var s = try started()
        for t in 1...20 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 5, failed: t * 5))), now: Double(t)) }
        #expect(abs(try estimate(s, now: 20).remaining - 80) < 1e-6)  // 800 left at 10/s
    }

    @Test func calibrationMarksOnlyTheTenthReached() {
        var track = ETATrack(at: 0)
        let late = Estimate(at: 50, remaining: 50, lo: 40, hi: 60, raw: 50, complete: true, calibrated: false, stalledFor: nil, paused: false)
        track.update(late, worked: 50, phase: "p", at: 50)  // first known half way
        #expect(track.marks.map { $0 != nil } == [false, false, false, false, true, false, false, false, false])
    }

    @Test func theShownEstimateMovesOnlyWhenTheChangeMatters() {
        func estimate(_ remaining: Double, at t: Double) -> Estimate {
            Estimate(at: t, remaining: remaining, lo: remaining / 2, hi: remaining * 2, raw: remaining, complete: true, calibrated: false, stalledFor: nil, paused: false)
        }
        var track = ETATrack(at: 0)
        track.update(estimate(100, at: 0), worked: 0, phase: "p", at: 0)
        track.update(estimate(96, at: 1), worked: 1, phase: "p", at: 1)  // finish 97 vs 100: 3% of what is left
        #expect(track.shown?.finish == 100)
        track.update(estimate(120, at: 2), worked: 2, phase: "p", at: 2)  // finish 122: material
        #expect(track.shown?.finish == 122)
    }

    @Test func aRangeThatMovedIsReplacedWithoutMovingTheFinish() {
        var track = ETATrack(at: 0)
        // The first second's range: little known, wide.
        track.update(Estimate(at: 0, remaining: 100, lo: 20, hi: 400, raw: 100, complete: true, calibrated: false, stalledFor: nil, paused: false),
                     worked: 0, phase: "p", at: 0)
        // Ten seconds on: the same finish, give or take 2%, and a narrow range.
        track.update(Estimate(at: 10, remaining: 92, lo: 80, hi: 105, raw: 92, complete: true, calibrated: false, stalledFor: nil, paused: false),
                     worked: 10, phase: "p", at: 10)
        let left = track.shown?.left(now: 10)
        #expect(track.shown?.finish == 100, "the finish stays: its change is no news")
        #expect(left?.lo == 80 && left?.hi == 105, "the range is today's: \(String(describing: left))")
    }

    @Test func aNarrowingRangeIsReplacedBeforeItIsATenthOff() {
        var track = ETATrack(at: 0)
        track.update(Estimate(at: 0, remaining: 100, lo: 92, hi: 108, raw: 100, complete: true, calibrated: true, stalledFor: nil, paused: false),
                     worked: 50, phase: "p", at: 0)
        // Same finish; each end 6 s (6% of the time left) in: less than a tenth, but more than
        // a quarter of the new range's width. Held, it would claim far less than it knows.
        track.update(Estimate(at: 0, remaining: 100, lo: 98, hi: 102, raw: 100, complete: true, calibrated: true, stalledFor: nil, paused: false),
                     worked: 50, phase: "p", at: 0)
        let left = track.shown?.left(now: 0)
        #expect(left?.lo == 98 && left?.hi == 102, "the narrower range is shown: \(String(describing: left))")
    }
}

@Suite("ETA from history")
struct HistoryETATests {
    /// Runs `runs` completed runs of a steady 1,000-item pipeline (10 items/s), then starts one more.
    func pipeline(runs: Int, speed: (Int) -> Double = { _ in 10 }) throws -> PipelineState {
        var s = PipelineState()
        for r in 0...runs {
            let t0 = Double(r) * 10_000
            try s.apply(Event(job: "j", .jobStart(.init(name: "steady", phases: [.init(id: "p")]))), now: t0)
            try s.apply(Event(job: "j", .phaseStart(.init(phase: "p", total: 1000))), now: t0)
            let v = speed(r)
            let last = r == runs ? 50 : 100  // the last run stops halfway
            for k in 1...last {
                try s.apply(Event(job: "j", .progress(.init(phase: "p", done: k * 10))), now: t0 + Double(k) * 10 / v)
                s.refreshEstimates(now: t0 + Double(k) * 10 / v)
            }
            if r < runs { try s.apply(Event(job: "j", .jobEnd(.init(status: .completed))), now: t0 + 1000 / v) }
        }
        return s
    }

    @Test func runsKeepTheirCurveAndTheErrorsOfTheirEstimates() throws {
        let s = try pipeline(runs: 2)
        let run = try #require(s.history["steady"]?.last)
        let curve = try #require(run.phase("p")?.curve)
        #expect(curve.count == 21 && abs(curve[10] - 50) < 1e-6 && abs(curve[20] - 100) < 1e-6)
        let errors = try #require(run.etaErrors)
        #expect(errors.count == 9 && errors.allSatisfy { $0 != nil && abs($0!) < 0.05 })
    }

    @Test func enoughAgreeingRunsGiveACalibratedNarrowRange() throws {
        let s = try pipeline(runs: 4, speed: { 10 * (1 + 0.02 * Double($0 % 3)) })
        let job = try #require(s[job: "j"])
        let now = 40_000 + 50.0
        let e = try #require(Estimator.job(job, s.estimates[job: job.id], past: s.pastRuns(pipeline: "steady"), now: now))
        #expect(e.calibrated)
        #expect(abs(e.remaining - 50) < 2.5)
        #expect(e.lo <= 50 && e.hi >= 50 && e.hi / e.lo < 1.5)
    }

    @Test func historyAloneEstimatesAPhaseBeforeItsRateIsKnown() throws {
        var s = try pipeline(runs: 3)
        let t0 = 50_000.0
        try s.apply(Event(job: "k", .jobStart(.init(name: "steady", phases: [.init(id: "p")]))), now: t0)
        try s.apply(Event(job: "k", .phaseStart(.init(phase: "p", total: 1000))), now: t0)
        let job = try #require(s[job: "k"])
        let e = try #require(Estimator.job(job, s.estimates[job: job.id], past: s.pastRuns(pipeline: "steady"), now: t0 + 1))
        #expect(abs(e.remaining - 100) < 2)  // past runs took 100 s
        #expect(!e.calibrated)  // nothing of this run known yet: rough
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
        #expect(Format.rate(0.42) == "25/min")
        #expect(Format.rate(1.0 / 60) == "1.0/min")
        #expect(Format.rate(2.0 / 3600) == "2.0/h")
        #expect(Format.rate(0) == "0/s")
        #expect(Format.rate(1) == "1.0/s")
        #expect(Format.rate(0.5, unit: "pages") == "30 pages/min")
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
        // fetch: 50 left at 5/s = 10 s; load: median of [50, 70] = 60 s; index: never ran, no history.
        let job = try #require(s[job: "j"])
        let eta = try #require(Estimator.job(job, s.estimates[job: job.id], past: s.pastRuns(pipeline: "import"), now: t + 10))
        #expect(abs(eta.raw - 70) < 1e-6)
        #expect(!eta.complete)  // index has no history: at least 70 s
    }

    @Test func withoutAnyHistoryOnlyTheRunningPhaseCounts() throws {
        var s = PipelineState()
        try s.apply(Event(job: "n", .jobStart(.init(name: "new", phases: [.init(id: "a"), .init(id: "b")]))), now: 0)
        try s.apply(Event(job: "n", .phaseStart(.init(phase: "a", total: 10))), now: 0)
        try s.apply(Event(job: "n", .progress(.init(phase: "a", done: 5))), now: 5)
        let running = try #require(s[job: "n"])
        let eta = try #require(Estimator.job(running, s.estimates[job: running.id], past: PastRuns(), now: 5))
        #expect(abs(eta.remaining - 5) < 1e-6 && !eta.complete)
        try s.apply(Event(job: "n", .jobEnd(.init(status: .completed))), now: 6)
        let ended = try #require(s[job: "n"])
        #expect(Estimator.job(ended, s.estimates[job: ended.id], past: PastRuns(), now: 6) == nil)
    }
}

@Suite struct RateWindowCodingTests {
    @Test func samplesTravelAsPairsAndOldObjectsStillRead() throws {
        var w = RateWindow()
        for k in 0..<10 { w.record(k * 7, at: Double(k)) }
        let data = try JSONEncoder().encode(w)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""samples":[[0,0],[1,7]"#))
        #expect(try JSONDecoder().decode(RateWindow.self, from: data) == w)
        // A snapshot written before: samples as objects.
        let old = text.replacingOccurrences(of: #""samples":[[0,0],[1,7]"#, with: #""samples":[{"t":0,"n":0},{"t":1,"n":7}"#)
        let back = try JSONDecoder().decode(RateWindow.self, from: Data(old.utf8))
        #expect(back == w)
    }
}
