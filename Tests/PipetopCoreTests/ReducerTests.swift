import Foundation
import Testing
@testable import PipetopCore

/// Builds events tersely for the tests below.
func ev(_ body: Event.Body, job: String = "j1", ts: Double? = nil) -> Event { Event(job: job, ts: ts, body) }

func started(_ phases: [String] = ["fetch", "parse", "load"], at t: Double = 100) throws -> PipelineState {
    var s = PipelineState()
    try s.apply(ev(.jobStart(.init(name: "import", phases: phases.map { .init(id: $0) }))), now: t)
    return s
}

@Suite("Reducer")
struct ReducerTests {
    @Test func jobStartCreatesJobWithPendingPhases() throws {
        let s = try started()
        let job = try #require(s[job: "j1"])
        #expect(job.name == "import")
        #expect(job.state == .running)
        #expect(job.startedAt == 100)
        #expect(job.phases.map(\.id) == ["fetch", "parse", "load"])
        #expect(job.phases.allSatisfy { $0.state == .pending })
        #expect(s.order == ["j1"])
    }

    @Test func progressWithAbsoluteCountsStartsThePhaseImplicitly() throws {
        var s = try started()
        try s.apply(ev(.progress(.init(phase: "fetch", done: 10, total: 100))), now: 101)
        try s.apply(ev(.progress(.init(phase: "fetch", done: 40))), now: 103)
        let p = try #require(s[job: "j1"]?.phase("fetch"))
        #expect(p.state == .running)
        #expect(p.startedAt == 101)
        #expect(p.done == 40)
        #expect(p.total == 100)
        #expect(p.fraction == 0.4)
        #expect(p.remaining == 60)
    }

    @Test func incAddsToDone() throws {
        var s = try started()
        try s.apply(ev(.progress(.init(phase: "fetch", done: 5))), now: 101)
        try s.apply(ev(.progress(.init(phase: "fetch", inc: 3))), now: 102)
        try s.apply(ev(.progress(.init(phase: "fetch", inc: 2))), now: 103)
        #expect(s[job: "j1"]?.phase("fetch")?.done == 10)
    }

    @Test func incThatOverflowsIsRefusedAndChangesNothing() throws {
        var s = try started()
        try s.apply(ev(.progress(.init(phase: "fetch", done: Int.max - 1))), now: 101)
        let before = s
        #expect(throws: ApplyError.self) { try s.apply(ev(.progress(.init(phase: "fetch", inc: 5))), now: 102) }
        #expect(s == before)
    }

    @Test func undeclaredPhasesAppearWhenUsed() throws {
        var s = try started(["fetch"])
        try s.apply(ev(.phaseStart(.init(phase: "shard-7", name: "Shard 7", total: 9, unit: "files"))), now: 101)
        try s.apply(ev(.step(.init(phase: "late", step: "a", state: .running))), now: 102)
        let job = try #require(s[job: "j1"])
        #expect(job.phases.map(\.id) == ["fetch", "shard-7", "late"])
        #expect(job.phase("shard-7")?.name == "Shard 7")
        #expect(job.phase("shard-7")?.unit == "files")
        #expect(job.phase("late")?.state == .running)
    }

    @Test func eventTimestampWinsOverEngineTime() throws {
        var s = try started()
        try s.apply(ev(.phaseStart(.init(phase: "fetch")), ts: 150), now: 900)
        #expect(s[job: "j1"]?.phase("fetch")?.startedAt == 150)
    }

    @Test func unknownJobIsRefusedWithAReason() throws {
        var s = PipelineState()
        #expect(throws: ApplyError("unknown job 'nope': send job.start first")) {
            try s.apply(ev(.progress(.init(phase: "x", done: 1)), job: "nope"), now: 1)
        }
    }

    @Test func stepsKeepStartAndDuration() throws {
        var s = try started()
        try s.apply(ev(.step(.init(phase: "fetch", step: "page 1", state: .running))), now: 110)
        try s.apply(ev(.step(.init(phase: "fetch", step: "page 1", state: .done, detail: "200 rows"))), now: 113)
        try s.apply(ev(.step(.init(phase: "fetch", step: "page 2", state: .failed, detail: "HTTP 503"))), now: 114)
        let steps = try #require(s[job: "j1"]?.phase("fetch")?.steps)
        #expect(steps.count == 2)
        #expect(steps["page 1"]?.duration(now: 999) == 3)
        #expect(steps["page 1"]?.detail == "200 rows")
        #expect(steps["page 2"]?.state == .failed)
        #expect(steps.failedCount == 1)
    }

    @Test func stepListIsBoundedAndKeepsRunningSteps() {
        var list = StepList()
        list.upsert(id: "long-runner", state: .running, detail: nil, at: 0)
        for i in 0..<(StepList.limit + 5_000) {
            list.upsert(id: "s\(i)", state: .done, detail: nil, at: Double(i))
        }
        #expect(list.count <= StepList.limit)
        #expect(list.dropped > 0)
        #expect(list.count + list.dropped == StepList.limit + 5_001)
        #expect(list["long-runner"]?.state == .running)
        #expect(list["s\(StepList.limit + 4_999)"] != nil)
        #expect(list["s0"] == nil)
    }

    @Test func repeatedPhaseEndIsHarmlessButAConflictingOneIsRefused() throws {
        var s = try started()
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .done))), now: 120)
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .done))), now: 121)
        #expect(s[job: "j1"]?.phase("fetch")?.endedAt == 120)
        #expect(throws: ApplyError.self) { try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .failed))), now: 122) }
        #expect(throws: ApplyError.self) { try s.apply(ev(.progress(.init(phase: "fetch", done: 3))), now: 122) }
        #expect(throws: ApplyError.self) { try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 122) }
    }

    @Test func aFailedPhaseCanBeRetried() throws {
        var s = try started()
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 101)
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .failed, error: "timeout"))), now: 102)
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 103)
        let p = try #require(s[job: "j1"]?.phase("fetch"))
        #expect(p.state == .running)
        #expect(p.retries == 1)
        #expect(p.error == nil)
    }

    @Test func aRetriedPhaseIsEstimatedAfreshAndTheOthersKeepTheirMemory() throws {
        var s = try started()
        try s.apply(ev(.phaseStart(.init(phase: "parse", total: 100))), now: 100)
        try s.apply(ev(.phaseStart(.init(phase: "fetch", total: 100))), now: 100)
        for t in 1...10 {
            try s.apply(ev(.progress(.init(phase: "fetch", done: t * 5))), now: 100 + Double(t))
            try s.apply(ev(.progress(.init(phase: "parse", done: t * 2))), now: 100 + Double(t))
        }
        let parse = s.estimates[job: "j1"].phase("parse")
        #expect((parse?.rate.samples.count ?? 0) > 5)
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .failed))), now: 111)
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 112)
        // The retry's rate starts from its count now; its curve is drawn again.
        let fetch = try #require(s.estimates[job: "j1"].phase("fetch"))
        #expect(fetch.rate.samples.count == 1 && fetch.rate.samples.first?.n == 50 && fetch.curve == nil)
        #expect(s.estimates[job: "j1"].phase("parse") == parse)
    }

    @Test func jobEndClosesOpenPhases() throws {
        var ok = try started()
        try ok.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 101)
        try ok.apply(ev(.jobEnd(.init(status: .completed))), now: 130)
        var job = try #require(ok[job: "j1"])
        #expect(job.state == .completed)
        #expect(job.endedAt == 130)
        #expect(job.phases.map(\.state) == [.done, .skipped, .skipped])

        var bad = try started()
        try bad.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 101)
        try bad.apply(ev(.jobEnd(.init(status: .failed, error: "disk full"))), now: 130)
        job = try #require(bad[job: "j1"])
        #expect(job.state == .failed)
        #expect(job.error == "disk full")
        #expect(job.phases.map(\.state) == [.failed, .pending, .pending])
        #expect(job.phases[0].error == "job failed")
    }

    @Test func aFinishedJobRefusesPhaseEventsAndRestartsAsANewRun() throws {
        var s = try started()
        try s.apply(ev(.progress(.init(phase: "fetch", done: 7))), now: 101)
        try s.apply(ev(.jobEnd(.init(status: .completed))), now: 102)
        #expect(throws: ApplyError.self) { try s.apply(ev(.progress(.init(phase: "fetch", done: 8))), now: 103) }
        try s.apply(ev(.jobStart(.init(name: "import", phases: [.init(id: "fetch")]))), now: 200)
        let job = try #require(s[job: "j1"])
        #expect(job.run == 2)
        #expect(job.state == .running)
        #expect(job.phase("fetch")?.done == 0)
        #expect(s.order == ["j1"])
    }

    @Test func jobStartOnALiveJobResumesIt() throws {
        var s = try started(["fetch"])
        try s.apply(ev(.progress(.init(phase: "fetch", done: 7))), now: 101)
        try s.apply(ev(.jobStart(.init(name: "import v2", phases: [.init(id: "fetch"), .init(id: "extra")], pid: 42, labels: ["a": "b"]))), now: 105)
        let job = try #require(s[job: "j1"])
        #expect(job.run == 1)
        #expect(job.name == "import v2")
        #expect(job.pid == 42)
        #expect(job.labels == ["a": "b"])
        #expect(job.phase("fetch")?.done == 7)
        #expect(job.phases.map(\.id) == ["fetch", "extra"])
    }

    @Test func logsCountErrorsPerJobAndPhaseAndStayBounded() throws {
        var s = try started()
        try s.apply(ev(.log(.init(level: .error, message: "boom", phase: "fetch"))), now: 101)
        try s.apply(ev(.log(.init(level: .warn, message: "hmm"))), now: 102)
        for i in 0..<(Job.maxLogLines + 10) { try s.apply(ev(.log(.init(level: .info, message: "line \(i)"))), now: 103) }
        let job = try #require(s[job: "j1"])
        #expect(job.errorCount == 1)
        #expect(job.phase("fetch")?.errorCount == 1)
        #expect(job.logs.count == Job.maxLogLines)
        #expect(job.logs.last?.message == "line \(Job.maxLogLines + 9)")
    }

    @Test func checkpointsRecordCountsAndData() throws {
        var s = try started()
        try s.apply(ev(.progress(.init(phase: "fetch", done: 30, failed: 2))), now: 101)
        try s.apply(ev(.checkpoint(.init(name: "page-30", data: .object([("cursor", .string("abc"))])))), now: 102)
        let c = try #require(s[job: "j1"]?.checkpoints.last)
        #expect(c.name == "page-30")
        #expect(c.done == 30)
        #expect(c.failed == 2)
        #expect(c.data?["cursor"] == .string("abc"))
    }

    @Test func metricsAreUpsertedByNameAndPhase() throws {
        var s = try started()
        try s.apply(ev(.metric(.init(name: "rows_written", value: 10, kind: .counter))), now: 101)
        try s.apply(ev(.metric(.init(name: "rows_written", value: 25, kind: .counter))), now: 102)
        try s.apply(ev(.metric(.init(name: "rows_written", value: 3, kind: .counter, phase: "load"))), now: 102)
        let m = try #require(s[job: "j1"]?.metrics)
        #expect(m.count == 2)
        #expect(m.first { $0.phase == nil }?.value == 25)
    }

    @Test func doneBeyondTotalRaisesTheShownTotal() throws {
        var s = try started()
        try s.apply(ev(.progress(.init(phase: "fetch", done: 120, total: 100))), now: 101)
        let p = try #require(s[job: "j1"]?.phase("fetch"))
        #expect(p.effectiveTotal == 120)
        #expect(p.fraction == 1)
    }

    @Test func jobFractionWeighsPhasesEqually() throws {
        var s = try started(["a", "b"])
        try s.apply(ev(.phaseEnd(.init(phase: "a", status: .done))), now: 101)
        try s.apply(ev(.progress(.init(phase: "b", done: 50, total: 100))), now: 102)
        #expect(s[job: "j1"]?.fraction == 0.75)
    }
}

@Suite("Job state machine")
struct JobStateTests {
    static let legal: [(JobState, JobState)] = JobState.allCases.flatMap { from in from.successors.map { (from, $0) } }

    @Test(arguments: JobState.allCases, JobState.allCases)
    func transitionsFollowTheTable(from: JobState, to: JobState) throws {
        var job = Job(id: "j", name: "j", state: from, at: 0)
        var est = JobEstimates()
        let expectLegal = from == to || from.successors.contains(to)
        if expectLegal {
            try PipelineState.move(&job, &est, to: to, at: 1)
            #expect(job.state == to)
        } else {
            #expect(throws: ApplyError.self) { try PipelineState.move(&job, &est, to: to, at: 1) }
            #expect(job.state == from)
        }
    }

    @Test func terminalStatesHaveNoWayOut() {
        for s in JobState.allCases where s.isTerminal { #expect(s.successors.isEmpty) }
        #expect(JobState.running.successors.contains(.paused))
        #expect(!JobState.paused.successors.contains(.completed))
    }

    @Test func illegalTransitionNamesBothStates() throws {
        var s = try started()
        try s.apply(ev(.jobState(.paused)), now: 101)
        do {
            try s.apply(ev(.jobState(.completing)), now: 102)
            Issue.record("expected a refusal")
        } catch let error as ApplyError {
            #expect(error.reason.contains("paused → completing"))
            #expect(error.reason.contains("allowed:"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite("The state the CLI reads")
struct CLIStateTests {
    @Test func theCLIGetsTheStateWithoutTheEnginesOwnMarks() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")]))), now: 0)
        for t in 1...30 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t * 10, total: 1_000))), now: Double(t)) }
        let job = try #require(s[job: "j"])
        #expect(s.estimates[job: "j"].errorTrail != nil && s.estimates[job: "j"].eta != nil)
        let v = s.forCLI
        #expect(v.estimates[job: "j"].errorTrail == nil && v.estimates[job: "j"].eta?.marks.isEmpty == true)
        // Everything a report shows is still there, and the engine's own state is untouched.
        #expect(v[job: "j"] == job && v.estimates[job: "j"].eta?.shown == s.estimates[job: "j"].eta?.shown)
        #expect(v.estimates[job: "j"].phases == s.estimates[job: "j"].phases)
        #expect(BoardProjector.board(v, now: 31) == BoardProjector.board(s, now: 31))
        #expect(s.estimates[job: "j"].errorTrail != nil)
    }
}

@Suite("Steps at their end")
struct StepEndTests {
    @Test func stepsStillRunningEndWithTheirJobOrPhase() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "a"), .init(id: "b")]))), now: 0)
        try s.apply(Event(job: "j", .step(.init(phase: "a", step: "a1", state: .running))), now: 1)
        try s.apply(Event(job: "j", .phaseEnd(.init(phase: "a", status: .done))), now: 2)
        #expect(s[job: "j"]?.phase("a")?.steps.items.first?.state == .done)
        try s.apply(Event(job: "j", .phaseStart(.init(phase: "b"))), now: 3)
        try s.apply(Event(job: "j", .step(.init(phase: "b", step: "b1", state: .running))), now: 3)
        try s.apply(Event(job: "j", .jobEnd(.init(status: .failed, error: "killed"))), now: 5)
        let b1 = try #require(s[job: "j"]?.phase("b")?.steps.items.first)
        #expect(b1.state == .failed && b1.endedAt == 5 && b1.detail == "still running when the job failed")
        #expect(s[job: "j"]?.phase("b")?.steps.runningCount == 0)
    }

    @Test func aRetriedStepThatSucceedsLosesItsOldFailureText() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "a")]))), now: 0)
        try s.apply(Event(job: "j", .step(.init(phase: "a", step: "x", state: .failed, detail: "HTTP 503"))), now: 1)
        try s.apply(Event(job: "j", .step(.init(phase: "a", step: "x", state: .running))), now: 2)
        try s.apply(Event(job: "j", .step(.init(phase: "a", step: "x", state: .done))), now: 3)
        let x = try #require(s[job: "j"]?.phase("a")?.steps.items.first)
        #expect(x.state == .done && x.detail == nil)
    }
}

@Suite("Forgetting a job")
struct ForgetJobTests {
    @Test func aFinishedJobIsForgottenWithItsAlertsAndItsHistoryStays() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "nightly", phases: [.init(id: "a")]))), now: 0)
        try s.apply(Event(job: "j", .alert(.init(severity: .warning, message: "slow"))), now: 1)
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "j", .forgetJob), now: 2) }  // still running
        try s.apply(Event(job: "j", .jobEnd(.init(status: .completed))), now: 10)
        try s.apply(Event(job: "j", .forgetJob), now: 11)
        #expect(s[job: "j"] == nil && !s.order.contains("j"))
        #expect(!s.alerts.all.contains { $0.job == "j" })
        #expect(s.history["nightly"]?.count == 1)
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "j", .forgetJob), now: 12) }  // gone
    }
}
