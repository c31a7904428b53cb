import Foundation
import Testing
@testable import PipetopCore

/// `lost` and the engine's other verdicts: only for a process the job named, only after a
/// grace, and undone when the job turns out to be alive.
@Suite("Verdicts: lost and engine-made failures")
struct VerdictTests {
    init() { setenv("TZ", "UTC", 1); tzset() }

    func named(pid: Int32? = 4242, sample: Int32? = nil, at t: Double = 100) throws -> PipelineState {
        var s = PipelineState()
        try s.apply(ev(.jobStart(.init(name: "train", phases: [.init(id: "fit"), .init(id: "eval")], pid: pid, samplePid: sample))), now: t)
        try s.apply(ev(.phaseStart(.init(phase: "fit", total: 100))), now: t)
        try s.apply(ev(.progress(.init(phase: "fit", done: 10))), now: t + 2)
        return s
    }

    func gone(_ s: inout PipelineState, at t: Double) {
        s.apply(SamplerReading(at: t, host: nil, jobs: [:], gone: ["j1"]))
        s.evaluateRules(now: t)
    }

    func lostAlerts(_ s: PipelineState) -> [Alert] { s.alerts.all.filter { $0.kind == "rule:lost" } }

    @Test func aSampledReporterThatEndsNeverMakesTheJobLost() throws {
        var s = try named(pid: nil, sample: 777)
        for t in stride(from: 110.0, through: 200, by: 1) { gone(&s, at: t) }
        #expect(s[job: "j1"]?.lostAt == nil && s[job: "j1"]?.pidGoneAt == nil)
        #expect(lostAlerts(s).isEmpty)
        #expect(s[job: "j1"]?.sampledPid == 777)
    }

    @Test func aGoneProcessIsLostOnlyAfterTheGrace() throws {
        var s = try named()
        gone(&s, at: 110)
        gone(&s, at: 110 + Job.lostGrace - 0.5)
        #expect(s[job: "j1"]?.lostAt == nil)
        #expect(lostAlerts(s).isEmpty)
        gone(&s, at: 110 + Job.lostGrace)
        #expect(s[job: "j1"]?.lostAt == 110 + Job.lostGrace)
        let alert = try #require(lostAlerts(s).first)
        #expect(alert.severity == .critical && alert.isOpen)
        #expect(alert.message == "its process (pid 4242) was gone at 00:01:50 and no job.end came; last report 00:01:42", "\(alert.message)")
    }

    @Test func aJobEndWithinTheGraceIsANormalExit() throws {
        var s = try named()
        gone(&s, at: 110)  // the sampler looked between the exit and job.end
        try s.apply(ev(.jobEnd(.init(status: .completed))), now: 110.008)
        for t in stride(from: 111.0, through: 130, by: 1) { gone(&s, at: t) }
        #expect(s[job: "j1"]?.state == .completed)
        #expect(lostAlerts(s).isEmpty)
        #expect(s.alerts.all.isEmpty)
    }

    @Test func aLostJobThatReportsAgainIsNoLongerLost() throws {
        var s = try named()
        gone(&s, at: 110)
        gone(&s, at: 120)
        #expect(lostAlerts(s).first?.isOpen == true)
        try s.apply(ev(.progress(.init(phase: "fit", done: 50))), now: 121)
        let job = try #require(s[job: "j1"])
        #expect(job.lostAt == nil && job.state == .running && job.phase("fit")?.done == 50)
        #expect(job.pid == nil, "the dead process is not watched any more")
        #expect(lostAlerts(s).allSatisfy { !$0.isOpen })
        gone(&s, at: 130)
        #expect(lostAlerts(s).filter(\.isOpen).isEmpty)
    }

    /// The engine restarted and found the process gone: failed, provisionally. The spooled
    /// job.end (exit 0, its own time) arrives afterwards and wins.
    @Test func aSpooledJobEndWinsOverTheEnginesVerdict() throws {
        var s = try named()
        let why = PipelineState.goneMessage(pid: 4242, goneAt: 300, lastReport: 102, engineStart: true)
        try s.apply(ev(.jobEnd(.init(status: .failed, error: why, byEngine: true))), now: 300)
        #expect(s[job: "j1"]?.state == .failed && s[job: "j1"]?.verdict != nil)
        #expect(s.alerts.sorted.first?.kind == "job-failed")
        #expect(s.history["train"]?.map(\.status) == [.failed])

        try s.apply(ev(.progress(.init(phase: "fit", done: 100)), ts: 140), now: 301)
        try s.apply(ev(.jobEnd(.init(status: .completed)), ts: 150), now: 301)
        let job = try #require(s[job: "j1"])
        #expect(job.state == .completed && job.error == nil && job.verdict == nil)
        #expect(job.endedAt == 150 && job.elapsed(now: 400) == 50)
        #expect(job.phase("fit")?.state == .done)
        #expect(s.history["train"]?.map(\.status) == [.completed], "the verdict's run left the history")
        #expect(s.alerts.all.filter(\.isOpen).isEmpty)
        #expect(s.liveJobs == 0)
    }

    @Test func aJobTheEngineFailedRunsAgainWhenItReports() throws {
        var s = try named()
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "gone", byEngine: true))), now: 300)
        try s.apply(ev(.progress(.init(phase: "fit", done: 60))), now: 301)
        let job = try #require(s[job: "j1"])
        #expect(job.state == .running && job.endedAt == nil && job.error == nil)
        #expect(job.phase("fit")?.state == .running && job.phase("fit")?.done == 60)
        #expect(s.alerts.all.filter(\.isOpen).isEmpty)
        #expect(s.liveJobs == 1)
    }

    @Test func aRealFailureIsFinal() throws {
        var s = try named()
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "exit status 1"))), now: 300)
        #expect(throws: ApplyError.self) { try s.apply(ev(.progress(.init(phase: "fit", done: 60))), now: 301) }
        #expect(s[job: "j1"]?.state == .failed)
    }

    @Test func aJobStartAfterTheVerdictResumesOnlyForTheSameProcess() throws {
        var s = try named()
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "gone", byEngine: true))), now: 300)
        var same = s
        try same.apply(ev(.jobStart(.init(name: "train", pid: 4242))), now: 301)
        #expect(same[job: "j1"]?.run == 1 && same[job: "j1"]?.state == .running)
        var other = s
        try other.apply(ev(.jobStart(.init(name: "train", pid: 5000))), now: 301)
        #expect(other[job: "j1"]?.run == 2, "another process starting the id is a new run")
    }

    @Test func aLostJobStartedAgainByItsReporterIsNoLongerLost() throws {
        var s = try named()
        gone(&s, at: 110)
        gone(&s, at: 120)
        try s.apply(ev(.jobStart(.init(name: "train", samplePid: 5000))), now: 121)
        let job = try #require(s[job: "j1"])
        #expect(job.lostAt == nil && job.pid == nil && job.samplePid == 5000 && job.run == 1)
        #expect(lostAlerts(s).allSatisfy { !$0.isOpen })
    }

    @Test func pidNullWatchesNothing() throws {
        var s = try named()
        var start = Event.JobStart(name: "train")
        start.unwatched = true
        try s.apply(ev(.jobStart(start)), now: 103)
        #expect(s[job: "j1"]?.pid == nil && s[job: "j1"]?.sampledPid == nil)
        for t in stride(from: 110.0, through: 130, by: 1) { gone(&s, at: t) }
        #expect(lostAlerts(s).isEmpty)
    }

    @Test func anAcknowledgedFailureIsClearedOnlyOnceAcknowledged() throws {
        var s = try named()
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "exit status 2"))), now: 200)
        let id = try #require(s.alerts.sorted.first?.id)
        #expect(throws: ApplyError("alert '\(id)' is not acknowledged: acknowledge it first (a), then clear it")) {
            try s.apply(ev(.clearAlerts(id)), now: 201)
        }
        try s.apply(ev(.ack(.init(alert: id, by: "ana@box"))), now: 202)
        try s.apply(ev(.clearAlerts(id)), now: 203)
        #expect(s.alerts.sorted.isEmpty)
        #expect(s.alerts[id]?.resolvedAt == 203, "resolved, so notifications say so")
    }

    @Test func aRulesAlertCannotBeCleared() throws {
        var s = try named()
        gone(&s, at: 110)
        gone(&s, at: 120)
        let id = try #require(lostAlerts(s).first?.id)
        try s.apply(ev(.ack(.init(alert: id, by: "ana@box"))), now: 121)
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "j1", .clearAlerts(id)), now: 122) }
    }

    /// One-off jobs (`pipetop run`) get a new id each run: the next completed run of the same
    /// pipeline ends the failure alert of the last.
    @Test func aLaterCompletedRunResolvesAnEarlierFailure() throws {
        var s = PipelineState()
        try s.apply(ev(.jobStart(.init(name: "backup")), job: "backup-1"), now: 100)
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "exit status 1")), job: "backup-1"), now: 110)
        try s.apply(ev(.jobStart(.init(name: "other")), job: "other-1"), now: 100)
        try s.apply(ev(.jobEnd(.init(status: .failed)), job: "other-1"), now: 110)
        #expect(s.alerts.sorted.filter(\.isOpen).count == 2)
        try s.apply(ev(.jobStart(.init(name: "backup")), job: "backup-2"), now: 200)
        try s.apply(ev(.jobEnd(.init(status: .completed)), job: "backup-2"), now: 210)
        #expect(s.alerts.sorted.filter(\.isOpen).map(\.job) == ["other-1"])
    }
}
