import Testing
import PipetopBoard

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
