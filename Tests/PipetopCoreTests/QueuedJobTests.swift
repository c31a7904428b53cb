import Foundation
import Testing
@testable import PipetopCore

/// Jobs declared `pending` (queued): waiting, timed from when they run, never judged for waiting.
@Suite("Queued jobs")
struct QueuedJobTests {
    func queued(at t: Double = 100, pid: Int32? = nil) throws -> PipelineState {
        var s = PipelineState()
        var start = Event.JobStart(name: "render", phases: [.init(id: "frames"), .init(id: "encode")], pid: pid)
        start.queued = true
        try s.apply(ev(.jobStart(start)), now: t)
        return s
    }

    @Test func aQueuedJobWaitsAndItsRunIsTimedFromWhenItStarts() throws {
        var s = try queued()
        let waiting = try #require(s[job: "j1"])
        #expect(waiting.state == .pending)
        #expect(waiting.queuedAt == 100)
        #expect(BoardProjector.board(s, now: 400).jobs[0].waited(at: 400) == 300)

        try s.apply(ev(.jobState(.running)), now: 400)
        let job = try #require(s[job: "j1"])
        #expect(job.state == .running)
        #expect(job.startedAt == 400)
        #expect(job.queuedAt == 100)
        let b = BoardProjector.board(s, now: 460).jobs[0]
        #expect(b.waited(at: 460) == 300)
        #expect(b.elapsed(at: 460) == 60)
        try s.apply(ev(.jobEnd(.init(status: .completed))), now: 500)
        #expect(s.history["render"]?.last?.duration == 100)
    }

    @Test func itsFirstPhaseEventStartsIt() throws {
        var s = try queued()
        try s.apply(ev(.progress(.init(phase: "frames", done: 1, total: 10))), now: 130)
        #expect(s[job: "j1"]?.state == .running)
        #expect(s[job: "j1"]?.startedAt == 130)
    }

    @Test func aJobStartThatSaysPendingAgainKeepsItWaitingAndOneThatDoesNotStartsIt() throws {
        var s = try queued()
        var again = Event.JobStart(name: "render")
        again.queued = true
        try s.apply(ev(.jobStart(again)), now: 150)
        #expect(s[job: "j1"]?.state == .pending)
        try s.apply(ev(.jobStart(.init(name: "render"))), now: 170)
        #expect(s[job: "j1"]?.state == .running)
        #expect(s[job: "j1"]?.startedAt == 170)
    }

    @Test func aJobThatWaitsTwoHoursIsNotStalledNorEstimatedNorAlerted() throws {
        var s = try queued()
        for t in stride(from: 100.0, through: 7_300, by: 60) {
            s.refreshEstimates(now: t)
            s.evaluateRules(now: t)
        }
        let b = BoardProjector.board(s, now: 7_300).jobs[0]
        #expect(b.state == .pending)
        #expect(b.stalledSince == nil)
        #expect(b.eta == nil)
        #expect(s.alerts.all.isEmpty, "\(s.alerts.all)")
        #expect(ETAWording.job(b, now: 7_300, form: .short, marks: .plain).0 == "waiting 2h00m")
    }

    @Test func aQueuedJobWithPastRunsGetsNoEstimateUntilItRunsThenTheSameAsOneThatRanAtOnce() throws {
        // A past run of the pipeline: the estimator could count a waiting job down from it.
        func withPastRun() throws -> PipelineState {
            var s = PipelineState()
            try s.apply(ev(.jobStart(.init(name: "render", phases: [.init(id: "frames")])), job: "old"), now: 0)
            try s.apply(ev(.phaseStart(.init(phase: "frames", total: 10)), job: "old"), now: 0)
            try s.apply(ev(.progress(.init(phase: "frames", done: 5, total: 10)), job: "old"), now: 30)
            try s.apply(ev(.progress(.init(phase: "frames", done: 10, total: 10)), job: "old"), now: 60)
            try s.apply(ev(.jobEnd(.init(status: .completed)), job: "old"), now: 60)
            return s
        }
        func run(_ s: inout PipelineState) throws {
            try s.apply(ev(.phaseStart(.init(phase: "frames", total: 10)), job: "new"), now: 400)
            try s.apply(ev(.progress(.init(phase: "frames", done: 2, total: 10)), job: "new"), now: 412)
            s.refreshEstimates(now: 415)
        }
        var queued = try withPastRun()
        var start = Event.JobStart(name: "render", phases: [.init(id: "frames")])
        start.queued = true
        try queued.apply(ev(.jobStart(start), job: "new"), now: 100)
        for t in stride(from: 100.0, through: 400, by: 10) { queued.refreshEstimates(now: t) }
        #expect(BoardProjector.board(queued, now: 400)[job: "new"]?.eta == nil)
        try queued.apply(ev(.jobState(.running), job: "new"), now: 400)
        try run(&queued)

        var atOnce = try withPastRun()
        try atOnce.apply(ev(.jobStart(.init(name: "render", phases: [.init(id: "frames")])), job: "new"), now: 400)
        try run(&atOnce)
        // Counted from its run, not from when it was queued: as if it had started at 400.
        let eta = try #require(BoardProjector.board(queued, now: 415)[job: "new"]?.eta)
        #expect(eta == BoardProjector.board(atOnce, now: 415)[job: "new"]?.eta)
    }

    @Test func aQueuedJobWhoseProducerVanishesIsLost() throws {
        var s = try queued(pid: 4242)
        s.noteGone(["j1"], at: 200)
        s.noteGone(["j1"], at: 200 + Job.lostGrace)
        s.evaluateRules(now: 206)
        #expect(s[job: "j1"]?.lostAt != nil)
        #expect(s.alerts.all.contains { $0.kind == "rule:lost" && $0.isOpen }, "\(s.alerts.all)")
    }

    @Test func aJobCanceledWhileWaitingWaitedUntilItsEnd() throws {
        var s = try queued()
        try s.apply(ev(.jobEnd(.init(status: .canceled))), now: 160)
        let b = BoardProjector.board(s, now: 200).jobs[0]
        #expect(b.state == .canceled)
        #expect(b.waited(at: 200) == 60)
        #expect(b.phases.allSatisfy { $0.state == .pending })
    }

    @Test func aJobThatRanAtOnceHasNoWait() throws {
        let s = try started()
        #expect(s[job: "j1"]?.queuedAt == nil)
        #expect(BoardProjector.board(s, now: 200).jobs[0].waited(at: 200) == nil)
    }
}
