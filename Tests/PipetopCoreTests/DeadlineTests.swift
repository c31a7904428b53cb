import Foundation
import Testing
@testable import PipetopCore

/// Deadlines and SLAs (docs/ALERTS.md "Deadlines and SLAs"), with an injected clock: a run
/// likely to miss its deadline, one past it, a pipeline whose run did not start, and how the
/// history counts promises kept.
@Suite("Deadlines and SLAs")
struct DeadlineTests {
    /// Job "j": one phase of 1,000 items done at one a second from t = 0 to `until`, rules
    /// evaluated every 5 s as the engine does.
    func steadyJob(deadline: Double? = nil, maxDuration: Double? = nil, until: Double, levels: [ServiceLevel] = [],
                   labels: [String: String] = [:]) throws -> PipelineState {
        var s = PipelineState()
        s.configureServiceLevels(levels, at: 0)
        var start = Event.JobStart(name: "j", phases: [.init(id: "load")], labels: labels)
        start.deadline = deadline
        start.maxDuration = maxDuration
        try s.apply(Event(job: "j", ts: 0, .jobStart(start)), now: 0)
        try s.apply(Event(job: "j", ts: 0, .phaseStart(.init(phase: "load", total: 1000))), now: 0)
        try advance(&s, from: 5, to: until)
        return s
    }

    func advance(_ s: inout PipelineState, from: Double, to until: Double) throws {
        var t = from
        while t <= until {
            try s.apply(Event(job: "j", ts: t, .progress(.init(phase: "load", done: Int(t)))), now: t)
            s.evaluateRules(now: t)
            t += 5
        }
    }

    func open(_ s: PipelineState, _ kind: String) -> Alert? { s.alerts.all.last { $0.kind == kind && $0.isOpen } }

    @Test func aRunThatCannotMakeItIsCriticalAfterItHasRunAMinuteAndTheRiskHeld() throws {
        // 1,000 items at 1/s: it finishes around t = 1000, and its deadline is t = 400.
        var s = try steadyJob(deadline: 400, until: 55)
        #expect(open(s, "deadline-risk") == nil)  // under a minute: not judged yet
        try advance(&s, from: 60, to: 85)
        #expect(open(s, "deadline-risk") == nil)  // seen since 60, not yet for 30 s
        try advance(&s, from: 90, to: 95)
        let a = try #require(open(s, "deadline-risk"))
        #expect(a.severity == .critical)
        #expect(a.message.hasPrefix("will miss its deadline") && a.message.contains("(job.start)") && a.message.contains("expected to finish at"))
        let o = try #require(DeadlineOutlook(s.jobs["j"]!, s.estimates[job: "j"], now: 95))
        #expect(o.due == 400 && (o.earliest ?? 0) > 400 && (o.margin ?? 0) < 0)
    }

    @Test func aRunWhoseRangeStraddlesTheDeadlineIsAWarningAndResolvesWhenItGetsFaster() throws {
        // First the range the estimate gives at t = 120 (no deadline judged: it is far away).
        let probe = try steadyJob(deadline: 1e9, until: 120)
        let o = try #require(DeadlineOutlook(probe.jobs["j"]!, probe.estimates[job: "j"], now: 120))
        let (early, late) = (try #require(o.earliest), try #require(o.latest))
        #expect(early < late)
        // Due between its early and late ends: it may miss it.
        var s = try steadyJob(deadline: (early + late) / 2, until: 160)
        let a = try #require(open(s, "deadline-risk"))
        #expect(a.severity == .warning && a.message.hasPrefix("may miss its deadline"))
        // It speeds up a lot (900 items in 10 s): the late end is now well before the deadline.
        try s.apply(Event(job: "j", ts: 165, .progress(.init(phase: "load", done: 1000 - 40))), now: 165)
        var t = 170.0
        while t < 260 && open(s, "deadline-risk") != nil {
            try s.apply(Event(job: "j", ts: t, .progress(.init(phase: "load", done: min(1000 - 40 + Int(t - 165) * 4, 999)))), now: t)
            s.evaluateRules(now: t)
            t += 5
        }
        #expect(open(s, "deadline-risk") == nil)
    }

    @Test func aRunPastItsMaximumDurationHasMissedItsDeadlineAndTheHistorySaysSo() throws {
        var s = try steadyJob(maxDuration: 120, until: 115)
        #expect(open(s, "deadline-missed") == nil)
        try advance(&s, from: 120, to: 125)
        let missed = try #require(open(s, "deadline-missed"))
        #expect(missed.severity == .critical && missed.message.contains("missed its deadline") && missed.message.contains("12% done"))
        #expect(open(s, "deadline-risk") == nil)
        try s.apply(Event(job: "j", ts: 130, .jobEnd(.init(status: .completed))), now: 130)
        #expect(open(s, "deadline-missed") == nil)  // settled: the history keeps it
        let run = try #require(s.history["j"]?.last)
        #expect(run.due == 120 && run.deadlineMet == false)
        #expect(s.compliance(pipeline: "j") == (met: 0, missed: 1))
    }

    @Test func aConfiguredSLAGivesEachRunOfItsPipelineADeadlineAndCountsThoseKept() throws {
        let sla = ServiceLevel(pipeline: "nightly", finishBy: .init(hour: 6, minute: 0), timeZone: "UTC", maxDuration: 7200)
        var s = PipelineState()
        s.configureServiceLevels([sla], at: 0)
        // 2026-12-02 01:00 UTC: due at 03:00 (2 h), before 06:00.
        let start = 1_764_637_200.0
        try s.apply(Event(job: "a", ts: start, .jobStart(.init(name: "a", labels: ["pipeline": "nightly"]))), now: start)
        let d = try #require(s.jobs["a"]?.deadline)
        #expect(d.source == "sla nightly" && d.finishBy == 1_764_655_200 && d.due(startedAt: start) == start + 7200)
        try s.apply(Event(job: "a", ts: start + 3600, .jobEnd(.init(status: .completed))), now: start + 3600)
        // A second run starts at 05:30 and ends at 06:10: past 06:00.
        let second = start + 4.5 * 3600
        try s.apply(Event(job: "a", ts: second, .jobStart(.init(name: "a", labels: ["pipeline": "nightly"]))), now: second)
        #expect(s.jobs["a"]?.deadline?.due(startedAt: second) == 1_764_655_200)
        try s.apply(Event(job: "a", ts: second + 2400, .jobEnd(.init(status: .completed))), now: second + 2400)
        #expect(s.compliance(pipeline: "nightly") == (met: 1, missed: 1))
        let board = BoardProjector.board(s, now: second + 2400)
        #expect(board.serviceLevels == [BoardServiceLevel(pipeline: "nightly", promise: "finish by 06:00 UTC, within 2h", met: 1, missed: 1,
                                                          lastStart: second)])
        // A job's own deadline wins over the pipeline's.
        var own = Event.JobStart(name: "b", labels: ["pipeline": "nightly"])
        own.deadline = start + 60
        try s.apply(Event(job: "b", ts: start, .jobStart(own)), now: start)
        #expect(s.jobs["b"]?.deadline == Deadline(finishBy: start + 60, source: "job.start"))
    }

    @Test func aPipelineExpectedEveryHourThatDoesNotStartRaisesAnAlertUntilARunStarts() throws {
        var s = PipelineState()
        s.configureServiceLevels([ServiceLevel(pipeline: "hourly", every: 3600)], at: 1000)
        #expect(s.alertRules.serviceLevels.first?.grace == 150)  // every/24
        s.evaluateRules(now: 1000 + 3600 + 150)
        #expect(open(s, "not-started") == nil)
        s.evaluateRules(now: 1000 + 3600 + 151)
        let a = try #require(open(s, "not-started"))
        #expect(a.job == "hourly" && a.message.contains("no run of hourly has started since pipetop began to expect it")
                && a.message.contains("every 1h"))
        try s.apply(Event(job: "hourly-7", .jobStart(.init(name: "hourly-7", labels: ["pipeline": "hourly"]))), now: 5000)
        s.evaluateRules(now: 5001)
        #expect(open(s, "not-started") == nil)
        // Expected from that run's start on.
        s.evaluateRules(now: 5000 + 3600 + 151)
        #expect(open(s, "not-started")?.message.contains("since its last start") == true)
    }

    /// An SLA that names a job's id, not its pipeline (label, else name), holds nothing: the
    /// job's log says so and how to fix it, and the not-started alarm names the job.
    @Test func anSLANamingAJobsIDInsteadOfItsPipelineIsExplained() throws {
        var s = PipelineState()
        s.configureServiceLevels([ServiceLevel(pipeline: "nightly-import", maxDuration: 600, every: 3600)], at: 0)
        try s.apply(Event(job: "nightly-import", .jobStart(.init(name: "nightly import"))), now: 10)
        let job = try #require(s.jobs["nightly-import"])
        #expect(job.deadline == nil)
        let said = try #require(job.logs.last { $0.message.contains("[[sla]]") })
        #expect(said.message.contains(#"this job's pipeline is its name, "nightly import" (it has no pipeline label)"#), "\(said.message)")
        #expect(said.message.contains("start it with the label pipeline=nightly-import"))
        s.evaluateRules(now: 10 + 3600 + 151)
        let a = try #require(open(s, "not-started"))
        #expect(a.message.contains(#"a job with the id nightly-import started at"#) && a.message.contains(#"its pipeline is "nightly import""#), "\(a.message)")
        // With the label, the next run is held and nothing is said.
        try s.apply(Event(job: "nightly-import", .jobEnd(.init(status: .completed))), now: 7000)
        try s.apply(Event(job: "nightly-import", .jobStart(.init(name: "nightly import", labels: ["pipeline": "nightly-import"]))), now: 8000)
        #expect(s.jobs["nightly-import"]?.deadline != nil)
        #expect(s.jobs["nightly-import"]?.logs.contains { $0.message.contains("[[sla]]") } == false)
    }

    @Test func deadlineChecksCanBeSwitchedOff() throws {
        var s = PipelineState()
        s.configureRules([], off: ["deadline-missed"])
        var start = Event.JobStart(name: "j")
        start.maxDuration = 10
        try s.apply(Event(job: "j", ts: 0, .jobStart(start)), now: 0)
        s.evaluateRules(now: 20)
        #expect(open(s, "deadline-missed") == nil)
    }

    @Test func ruleMetricsForTimeAndDeadlines() throws {
        let s = try steadyJob(deadline: 5000, until: 100)
        let job = s.jobs["j"]!, est = s.estimates[job: "j"]
        func value(_ m: String) -> Double? {
            MetricValues.job(Rule(name: "x", metric: RuleMetric(name: m)!, value: 0), job, est, host: s.host, now: 100)
        }
        #expect(value("job.elapsed") == 100)
        let finish = try #require(value("job.finish_eta"))
        #expect(finish > 900 && finish < 1200)
        // The same figures the deadline checks and /metrics read.
        let o = try #require(DeadlineOutlook(job, est, now: 100))
        #expect(finish == o.finish)
        let margin = try #require(value("job.deadline_margin"))
        #expect(margin == 5000 - (try #require(o.latest)) && margin > 0 && margin < 4100)
        let p = job.phases[0]
        #expect(MetricValues.phase(.phaseElapsed, p, est.rate("load"), job: job, past: PastRuns(), now: 100) == 100)
    }

    @Test func durationsAndClockTimesAsPeopleWriteThem() throws {
        #expect(DurationText.seconds("2h") == 7200 && DurationText.seconds("1h30m") == 5400 && DurationText.seconds("90") == 90)
        #expect(DurationText.seconds("2x") == nil && DurationText.seconds("h") == nil && DurationText.seconds("1h1h") == nil
                && DurationText.seconds("-5") == nil && DurationText.seconds("") == nil)
        #expect(DurationText.text(5400) == "1h30m" && DurationText.text(45) == "45s")
        #expect(TimeText.epoch("2026-12-02T06:00:00Z") == 1_796_191_200 && TimeText.epoch("2026-12-02T07:00:00+01:00") == 1_796_191_200)
        #expect(TimeText.epoch("2026-12-02T06:00:00.250Z") == 1_796_191_200.25)
        #expect(TimeText.epoch("tomorrow") == nil)
        #expect(ServiceLevel.ClockTime("06:00") == .init(hour: 6, minute: 0) && ServiceLevel.ClockTime("24:00") == nil
                && ServiceLevel.ClockTime("6") == nil)
    }

    @Test func slaTablesAreCheckedFieldByField() throws {
        func parse(_ f: [(String, JSONValue)]) -> String? {
            do { _ = try ServiceLevel.parse(f); return nil } catch { return error.description }
        }
        #expect(parse([("pipeline", .string("n")), ("finish_by", .string("6am"))]) == "sla 'n': finish_by: a time of day like \"06:00\"")
        #expect(parse([("pipeline", .string("n"))]) == "sla 'n': pipeline: says nothing: give finish_by, max_duration or every")
        #expect(parse([("finish_by", .string("06:00"))])?.contains("pipeline: required") == true)
        #expect(parse([("pipeline", .string("n")), ("every", .string("1d")), ("when", .int(1))])?.contains("when: unknown field") == true)
        #expect(parse([("pipeline", .string("n")), ("max_duration", .string("2 hours"))]) == "sla 'n': max_duration: '2 hours' is not a duration (like 90m, 2h, 1d, 1h30m)")
        let ok = try ServiceLevel.parse([("pipeline", .string("n")), ("every", .string("24h")), ("grace", .string("2h"))])
        #expect(ok.every == 86_400 && ok.grace == 7200)
    }
}
