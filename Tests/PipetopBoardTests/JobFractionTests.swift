import Testing
import PipetopBoard
@testable import PipetopCore

/// A job's percent weighs its phases by the work they take, not one each.
@Suite struct JobFractionTests {
    typealias Part = JobFraction.Part

    @Test func phasesWeighByTheirPastTimeElseTheirTotalsElseEvenly() {
        // A short phase done and a long one half way: 100 s + half of 300 s, of 400 s.
        let timed = [Part(state: .done, fraction: 1, expected: 100, total: 10, elapsed: 90),
                     Part(state: .running, fraction: 0.5, expected: 300, total: 10, elapsed: 140)]
        #expect(abs(JobFraction.weighted(timed, completed: false, jobElapsed: 230, jobExpected: 400) - 0.625) < 1e-9)
        // No past: by totals (1,000 rows done, 9,000 rows a third of the way).
        let counted = [Part(state: .done, fraction: 1, expected: nil, total: 1_000, elapsed: 9),
                       Part(state: .running, fraction: 1.0 / 3, expected: nil, total: 9_000, elapsed: 30)]
        #expect(abs(JobFraction.weighted(counted, completed: false, jobElapsed: 40, jobExpected: nil) - 0.4) < 1e-9)
        // Neither: one each, as before.
        let plain = [Part(state: .done, fraction: nil, expected: nil, total: nil, elapsed: 9),
                     Part(state: .running, fraction: 0.5, expected: nil, total: 10, elapsed: 30)]
        #expect(JobFraction.weighted(plain, completed: false, jobElapsed: 40, jobExpected: nil) == 0.75)
    }

    @Test func aJobWithNoCountsGoesByItsPastRuns() {
        // `pipetop run -- make`: one phase, no total; its runs took 100 s.
        let run = [Part(state: .running, fraction: nil, expected: nil, total: nil, elapsed: 40)]
        #expect(abs(JobFraction.weighted(run, completed: false, jobElapsed: 40, jobExpected: 100) - 0.4) < 1e-9)
        // Never 100% before it ends, and 0 with no past at all.
        #expect(JobFraction.weighted(run, completed: false, jobElapsed: 400, jobExpected: 100) == 0.99)
        #expect(JobFraction.weighted(run, completed: false, jobElapsed: 40, jobExpected: nil) == 0)
        #expect(JobFraction.weighted(run, completed: true, jobElapsed: 40, jobExpected: nil) == 1)
    }

    @Test func theBoardJobUsesItOnItsOwnClock() {
        let j = BoardJob(id: "j", name: "make", state: .running, startedAt: 1_000, skew: 600,
                         phases: [BoardPhase(id: "run", name: "run", state: .running, startedAt: 1_000)],
                         past: PastDurations(p50: 100, p95: 120, p99: 130, runs: 5))
        // Engine time 1,640 is the job's 1,040: 40 s of a 100 s run.
        #expect(abs(j.fraction(at: 1_640) - 0.4) < 1e-9)
    }
}

/// The bar shows work done: a failed job never looks finished.
@Suite struct WorkDoneTests {
    typealias Part = JobFraction.Part

    /// As the Snakemake readers leave a run that failed half way: the jobs that never ran are
    /// left out (work not done), the rules none of whose jobs ran stay pending.
    static func failedHalfWay() throws -> PipelineState {
        var s = PipelineState()
        func at(_ dt: Double, _ body: Event.Body) throws { try s.apply(Event(job: "sm", body), now: 1_000 + dt) }
        try at(0, .jobStart(.init(name: "snake", phases: ["prep", "align", "merge"].map { .init(id: $0) })))
        try at(0.5, .phaseStart(.init(phase: "prep", total: 2)))
        try at(0.9, .progress(.init(phase: "prep", done: 2)))
        try at(0.9, .phaseEnd(.init(phase: "prep", status: .done)))
        try at(1, .phaseStart(.init(phase: "align", total: 10)))
        try at(5, .progress(.init(phase: "align", done: 5, failed: 1)))
        try at(6, .jobEnd(.init(status: .failed, error: "1 of 13 jobs failed")))
        return s
    }

    @Test func aJobThatFailedHalfWayIsHalfDone() throws {
        let s = try Self.failedHalfWay()
        let j = try #require(BoardProjector.board(s, now: 1_010, options: .everything)[job: "sm"])
        // Failed items and never-run ones (not sent at all) are no progress.
        let align = try #require(j.phase("align"))
        #expect(align.state == .failed)
        #expect(align.progressed == 5)
        #expect(align.fraction == 0.5)
        #expect(align.progressFacts == ["5/10", "50%", "1 failed"])
        // The rule that never started is work left, not work found done.
        #expect(j.phase("merge")?.state == .pending)
        #expect(j.phase("merge")?.skipped == 0)
        // prep whole, align half, merge none: a half-done job.
        #expect(j.fraction(at: 1_010) == 0.5)
        // The engine's own figure (deadline alerts) says the same.
        #expect(s.jobs["sm"]?.fraction == 0.5)
    }

    /// A resumed run: 500 items found done, 100 more done, then it fails. Found-done work is
    /// done work in every phase state: the bar does not drop when the phase fails.
    @Test func aResumedRunThatFailsKeepsItsFoundDoneWork() throws {
        var s = PipelineState()
        func at(_ dt: Double, _ body: Event.Body) throws { try s.apply(Event(job: "r", body), now: 1_000 + dt) }
        try at(0, .jobStart(.init(name: "resume", phases: [.init(id: "load")])))
        try at(0, .phaseStart(.init(phase: "load", total: 1_000)))
        try at(0.5, .progress(.init(phase: "load", skipped: 500)))
        try at(30, .progress(.init(phase: "load", done: 100, failed: 3)))
        let running = try #require(BoardProjector.board(s, now: 1_031, options: .everything)[job: "r"])
        #expect(running.fraction(at: 1_031) == 0.6)
        try at(31, .jobEnd(.init(status: .failed, error: "disk full")))
        let j = try #require(BoardProjector.board(s, now: 1_040, options: .everything)[job: "r"])
        let load = try #require(j.phase("load"))
        #expect(load.state == .failed)
        #expect(load.progressed == 600)
        #expect(load.progressFacts == ["600/1000", "60%", "3 failed", "500 skipped"])
        #expect(j.fraction(at: 1_040) == 0.6)
        #expect(s.jobs["r"]?.fraction == 0.6)
    }

    @Test func skippedPhasesWeighNothingAndFailedItemsAreNotDone() {
        let parts = [Part(state: .skipped, fraction: nil, expected: nil, total: 50, elapsed: nil),
                     Part(state: .failed, fraction: 0.25, expected: nil, total: 100, elapsed: 9),
                     Part(state: .done, fraction: 1, expected: nil, total: 100, elapsed: 9)]
        #expect(JobFraction.weighted(parts, completed: false, jobElapsed: 20, jobExpected: nil) == 0.625)
        #expect(JobFraction.of([(PhaseState.skipped, nil), (.failed, 0.5), (.pending, nil)], completed: false) == 0.25)
        #expect(JobFraction.of([(PhaseState.skipped, nil)], completed: false) == 0)
        // Skipped items are found done (a resumed job's earlier work), whatever the phase's state.
        #expect(JobFraction.phase(state: .running, done: 100, skipped: 500, total: 1_000) == 0.6)
        #expect(JobFraction.phase(state: .failed, done: 100, skipped: 500, total: 1_000) == 0.6)
        #expect(JobFraction.phase(state: .canceled, done: 100, skipped: 500, total: 1_000) == 0.6)
        #expect(JobFraction.phase(state: .running, done: 5, skipped: 0, total: 10) == 0.5)
    }
}
