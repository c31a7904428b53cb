import Foundation
import Testing
import PipetopBoard
@testable import PipetopCore

/// A lost job says so on itself in every viewer (the Board, then the dashboard and report's
/// words), with no ETA, rate or stall; and when the engine ends it as failed, it ends when its
/// process was last seen, not when the engine judged.
@Suite("Lost jobs")
struct LostJobTests {
    /// A job of pid 4242 that made 10 items a second for 20 s of 1,000, then its process was
    /// found gone at 121 and it was lost 5 s later.
    func lostJob() throws -> PipelineState {
        var s = PipelineState()
        try s.apply(ev(.jobStart(.init(name: "import", phases: [.init(id: "load")], pid: 4242))), now: 100)
        try s.apply(ev(.phaseStart(.init(phase: "load", total: 1000))), now: 100)
        for t in 1...20 { try s.apply(ev(.progress(.init(phase: "load", done: t * 10))), now: 100 + Double(t)) }
        s.refreshEstimates(now: 120)
        let before = try #require(BoardProjector.board(s, now: 120)[job: "j1"])
        #expect(before.eta != nil && before.phases[0].rate != nil, "an ETA and a rate before it is lost")
        s.noteGone(["j1"], at: 121)
        s.noteGone(["j1"], at: 121 + Job.lostGrace)
        s.evaluateRules(now: 126)
        s.refreshEstimates(now: 126)
        return s
    }

    @Test func aLostJobReadsLostWithWhyAndNoETA() throws {
        let s = try lostJob()
        let board = BoardProjector.board(s, now: 300)
        let job = try #require(board[job: "j1"])
        #expect(job.isLost)
        #expect(job.eta == nil)
        #expect(job.stalledSince == nil, "lost, not stalled")
        #expect(job.phases[0].rate == nil)
        #expect(job.phases[0].finishAt == nil)
        #expect(job.phases[0].stalledSince == nil)
        #expect(job.error?.contains("its process (pid 4242) was gone at") == true, "\(job.error ?? "no error")")
        #expect(ETAWording.job(job, now: 300, form: .short, marks: .plain).0 == "lost")
        #expect(ETAWording.sentence(job, now: 300) == "")
    }

    @Test func aLostJobThatReportsAgainIsNoLongerLost() throws {
        var s = try lostJob()
        try s.apply(ev(.progress(.init(phase: "load", done: 300))), now: 130)
        #expect(BoardProjector.board(s, now: 130)[job: "j1"]?.isLost == false)
    }

    /// The engine restarted minutes later and ended the job as failed: it ends when its
    /// process was first found gone, and the history keeps that duration.
    @Test func theEnginesFailedVerdictEndsWhenTheProcessWasLastSeen() throws {
        var s = try lostJob()
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "its process (pid 4242) was gone", byEngine: true))), now: 321)
        let job = try #require(s[job: "j1"])
        #expect(job.state == .failed)
        #expect(job.endedAt == 121)
        #expect(job.phase("load")?.endedAt == 121)
        let run = try #require(s.history["import"]?.last)
        #expect(abs(run.duration - 21) < 1e-6, "\(run.duration)")
    }

    /// With no sign of when it went (the engine was down), its last report is when it was seen.
    @Test func aJobGoneWhileNoEngineRanEndsAtItsLastReport() throws {
        var s = PipelineState()
        try s.apply(ev(.jobStart(.init(name: "import", phases: [.init(id: "load")], pid: 4242))), now: 100)
        try s.apply(ev(.phaseStart(.init(phase: "load", total: 10))), now: 100)
        try s.apply(ev(.progress(.init(phase: "load", done: 3))), now: 104)
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "gone", byEngine: true))), now: 321)
        #expect(s[job: "j1"]?.endedAt == 104)
    }
}
