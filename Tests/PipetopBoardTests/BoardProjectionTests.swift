import Testing
import PipetopBoard
@testable import PipetopCore

/// The Board is projected once, each job on its own clock; viewers only count time on.
@Suite struct BoardProjectionTests {
    /// A job of one phase of 1,000 items that made 10 items a second for 60 s of its own
    /// clock, whose clock runs `skew` seconds behind the engine's.
    func steadyJob(skew: Double) throws -> PipelineState {
        var s = PipelineState()
        func at(_ t: Double) -> (ts: Double, now: Double) { (t, t + skew) }
        try s.apply(Event(job: "j", ts: at(0).ts, .jobStart(.init(name: "import", phases: [.init(id: "load")]))), now: at(0).now)
        try s.apply(Event(job: "j", ts: at(0).ts, .phaseStart(.init(phase: "load", total: 1000))), now: at(0).now)
        for t in 1...60 {
            try s.apply(Event(job: "j", ts: at(Double(t)).ts, .progress(.init(phase: "load", done: t * 10))), now: at(Double(t)).now)
        }
        s.refreshEstimates(now: at(60).now)
        return s
    }

    @Test func aSkewedProducerIsJudgedOnItsOwnClock() throws {
        let skew = 600.0  // the producer's clock is ten minutes behind the engine's
        let s = try steadyJob(skew: skew)
        // Ten seconds after its last report (engine clock), it is not stalled: on the engine's
        // clock it would look idle for 610 s.
        let board = BoardProjector.board(s, now: 70 + skew)
        let job = try #require(board[job: "j"])
        #expect(job.skew == skew)
        #expect(job.stalledSince == nil)
        #expect(job.phases[0].stalledSince == nil)
        #expect(abs(job.elapsed(at: board.at) - 70) < 1e-6)
        #expect(abs((job.elapsed(of: job.phases[0], at: board.at) ?? 0) - 70) < 1e-6)
        let eta = try #require(job.eta)
        // 400 items left at 10/s, counted down by the 10 s since the estimate: about 30 s.
        let left = eta.left(at: board.at).remaining
        #expect(left > 20 && left < 45, "\(eta)")
        // And the same job with a true clock reads the same at the same moment of its own.
        let straight = try #require(BoardProjector.board(try steadyJob(skew: 0), now: 70)[job: "j"])
        #expect(straight.stalledSince == job.stalledSince)
        #expect(straight.eta?.left(at: 70).remaining == eta.left(at: board.at).remaining)
        #expect(straight.phases[0].eta(at: 70) == job.phases[0].eta(at: board.at))
        #expect(straight.phases[0].rate == job.phases[0].rate)
    }

    @Test func aRealStallIsSeenOnTheJobsClock() throws {
        let s = try steadyJob(skew: 600)
        let job = try #require(BoardProjector.board(s, now: 60 + 600 + 300)[job: "j"])
        #expect((job.stalled(at: 960) ?? 0) >= 299)
        #expect(ETAWording.job(job, now: 960, form: .short, marks: .plain).1 == .stalled)
    }

    @Test func viewersCountTimeOnWithoutTheEstimator() throws {
        let job = try #require(BoardProjector.board(try steadyJob(skew: 0), now: 60)[job: "j"])
        let eta = try #require(job.eta)
        let later = eta.left(at: eta.madeAt + 5)
        #expect(abs(later.remaining - (eta.remaining - 5)) < 1e-9)
        #expect(abs(job.elapsed(at: 65) - 65) < 1e-9)
        #expect(abs((job.elapsed(of: job.phases[0], at: 65) ?? 0) - 65) < 1e-9)
        var frozen = eta
        frozen.frozen = true
        #expect(frozen.left(at: eta.madeAt + 5).remaining == eta.remaining)
    }

    @Test func figuresAreThoseOfTheEngine() throws {
        let s = try steadyJob(skew: 0)
        let j = try #require(s[job: "j"])
        let b = try #require(BoardProjector.board(s, now: 60)[job: "j"])
        #expect(b.fraction(at: 60) == j.fraction)
        #expect(b.done == 600 && b.total == 1000)
        #expect(b.phases[0].rate == s.estimates[job: j.id].rate(of: j.phases[0], in: j, now: 60).map(BoardRounding.rate))
        #expect(b.phases[0].averageRate(at: 60, skew: 0) == 10)
        #expect(b.phases[0].eta(at: 60) == s.phaseETA(j.phases[0], of: j, now: 60).map { (60 + $0).rounded() - 60 })
        #expect(b.phases[0].throughput == nil)  // only for the viewer's focus
        let focused = try #require(BoardProjector.board(s, now: 60, options: BoardOptions(focusJob: "j"))[job: "j"])
        #expect(focused.phases[0].throughput?.count == BoardProjector.throughputSlices)
        #expect(b.currentPhaseID == "load")
    }

    @Test func stepsAndTimelinesOnlyForTheFocus() throws {
        var s = try steadyJob(skew: 0)
        try s.apply(Event(job: "j", ts: 61, .step(.init(phase: "load", step: "page 1", state: .running))), now: 61)
        try s.apply(Event(job: "j", ts: 61, .checkpoint(.init(name: "c1", data: .object([("secret", .string("x"))])))), now: 61)
        let plain = try #require(BoardProjector.board(s, now: 62)[job: "j"])
        #expect(plain.phases[0].steps.kept == 1 && plain.phases[0].steps.running == 1)
        #expect(plain.phases[0].steps.items == nil)
        #expect(plain.checkpoints.first?.data == nil)
        let focused = try #require(BoardProjector.board(s, now: 62, options: BoardOptions(focusJob: "j", focusPhase: "load"))[job: "j"])
        #expect(focused.phases[0].steps.items?.map(\.id) == ["page 1"])
        #expect(focused.checkpoints.first?.data == nil)
        let resume = try #require(BoardProjector.board(s, now: 62, options: .everything)[job: "j"])
        #expect(resume.checkpoints.first?.data?["secret"] == .string("x"))
    }

    @Test func pastDurationsByNearestRank() {
        let p = PastDurations((1...100).map(Double.init))
        #expect(p == PastDurations(p50: 50, p95: 95, p99: 99, runs: 100))
        #expect(PastDurations([]) == nil)
        #expect(PastDurations([7])?.p99 == 7)
    }
}
