import Foundation
import Testing
import PipetopBoard
@testable import PipetopCore

/// A canceled job's running phase was stopped, not failed: it reads canceled, with no error.
@Suite("Canceled phases")
struct CanceledPhaseTests {
    @Test func cancelingAJobCancelsItsRunningPhaseNotFailsIt() throws {
        var s = try started(["fetch", "load"])
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 100)
        try s.apply(ev(.jobEnd(.init(status: .canceled))), now: 110)
        let job = try #require(s[job: "j1"])
        #expect(job.state == .canceled)
        #expect(job.phase("fetch")?.state == .canceled)
        #expect(job.phase("fetch")?.error == nil)
        #expect(job.phase("fetch")?.endedAt == 110)
        #expect(job.phase("load")?.state == .pending, "it never ran")
        #expect(!s.alerts.all.contains { $0.kind == "phase-failed" || $0.kind == "job-failed" })
    }

    @Test func aFailedJobStillFailsItsRunningPhase() throws {
        var s = try started(["fetch"])
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 100)
        try s.apply(ev(.jobEnd(.init(status: .failed))), now: 110)
        #expect(s[job: "j1"]?.phase("fetch")?.state == .failed)
        #expect(s[job: "j1"]?.phase("fetch")?.error == "job failed")
    }

    /// Its running steps were stopped with it, not failed: they end canceled (a failed job's
    /// still end failed), and only the engine says canceled of a step.
    @Test func cancelingAJobCancelsItsRunningSteps() throws {
        for (end, step) in [(JobState.canceled, StepState.canceled), (.failed, .failed), (.completed, .done)] {
            var s = try started(["fetch"])
            try s.apply(ev(.step(.init(phase: "fetch", step: "page 1", state: .running))), now: 100)
            try s.apply(ev(.step(.init(phase: "fetch", step: "page 0", state: .done))), now: 101)
            try s.apply(ev(.jobEnd(.init(status: end))), now: 110)
            let steps = try #require(s[job: "j1"]?.phase("fetch")?.steps)
            #expect(steps.items.first { $0.id == "page 1" }?.state == step, "job \(end)")
            #expect(steps.items.first { $0.id == "page 1" }?.detail == "still running when the job \(end.rawValue)")
            #expect(steps.items.first { $0.id == "page 0" }?.state == .done)
            #expect(steps.failedCount == (end == .failed ? 1 : 0) && steps.runningCount == 0, "job \(end)")
        }
        var s = try started(["fetch"])
        #expect(throws: ApplyError.self) { try s.apply(ev(.step(.init(phase: "fetch", step: "p", state: .canceled))), now: 101) }
    }

    @Test func aJobCannotSendCanceledForAPhase() throws {
        var s = try started(["fetch"])
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 100)
        #expect(throws: ApplyError.self) { try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .canceled))), now: 101) }
    }
}
