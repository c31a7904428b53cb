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

    @Test func aJobCannotSendCanceledForAPhase() throws {
        var s = try started(["fetch"])
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 100)
        #expect(throws: ApplyError.self) { try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .canceled))), now: 101) }
    }
}
