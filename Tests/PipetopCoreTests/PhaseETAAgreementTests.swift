import Foundation
import Testing
@testable import PipetopCore

/// A phase's ETA is its share of the estimate its job shows: a one-phase job's phase reads what
/// the job reads, and no phase reads longer than its job (a new-user pass saw `≈4m48s` for a
/// one-phase job beside `4m38s` for its phase, and a job's lower bound `≥18s` beside 19 s for
/// the phase it was in: the phase's figure was worked out afresh, without the job's
/// calibration and steadiness).
@Suite("Phase ETA agrees with its job's")
struct PhaseETAAgreementTests {
    /// A job with `phases`, the first running at a pace that wobbles (so the shown estimate is
    /// held while fresh ones move), refreshed once a second as the engine does.
    static func running(phases: [String], until end: Int) throws -> PipelineState {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: phases.map { .init(id: $0) }))), now: 0)
        try s.apply(Event(job: "j", .phaseStart(.init(phase: phases[0], total: 3000))), now: 0)
        var done = 0
        for t in 1...end {
            done += t % 7 == 0 ? 2 : 9 + t % 5
            try s.apply(Event(job: "j", .progress(.init(phase: phases[0], done: done))), now: Double(t))
            s.refreshEstimates(now: Double(t))
        }
        return s
    }

    /// The job's seconds left as viewers count it down, and its first phase's, at `now`.
    static func lefts(_ s: PipelineState, now: Double) throws -> (job: Double, phase: Double, confidence: BoardETA.Confidence) {
        let board = BoardProjector.job(try #require(s[job: "j"]), in: s, now: now)
        let eta = try #require(board.eta)
        let finish = try #require(board.phases[0].finishAt)
        return (max(0, eta.madeAt + eta.remaining - now), finish - now, eta.confidence)
    }

    @Test func aOnePhaseJobsPhaseReadsWhatTheJobReads() throws {
        var s = try Self.running(phases: ["p"], until: 60)
        for now in stride(from: 60.0, through: 64, by: 1) {
            if now > 60 { s.refreshEstimates(now: now) }
            let l = try Self.lefts(s, now: now)
            // Whole seconds apart at most: the phase's finish is rounded to the second.
            #expect(abs(l.job - l.phase) <= 1, "job \(l.job) s, its only phase \(l.phase) s at \(now)")
        }
    }

    @Test func aPhaseNeverReadsLongerThanItsJobsLowerBound() throws {
        // The phase ahead has neither history nor a total: the job's ETA is a lower bound.
        for end in stride(from: 30, through: 120, by: 3) {
            let s = try Self.running(phases: ["p", "ahead"], until: end)
            let l = try Self.lefts(s, now: Double(end))
            #expect(l.confidence == .lowerBound)
            #expect(l.phase <= l.job + 1, "phase \(l.phase) s against its job's lower bound \(l.job) s at \(end) s")
        }
    }
}
