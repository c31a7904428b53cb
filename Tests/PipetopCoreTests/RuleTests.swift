import Foundation
import Testing
@testable import PipetopCore

@Suite("Alert rules")
struct RuleTests {
    /// A running job "j" reporting a custom gauge `temp`, with one configured rule on it.
    func state(_ rule: Rule) throws -> PipelineState {
        var s = PipelineState()
        s.configureRules([rule], off: [])
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")], labels: ["team": "data"]))), now: 0)
        return s
    }

    func set(_ s: inout PipelineState, _ v: Double, at t: Double) throws {
        try s.apply(Event(job: "j", .metric(.init(name: "temp", value: v))), now: t)
        s.evaluateRules(now: t)
    }

    func open(_ s: PipelineState, _ kind: String = "rule:hot") -> [Alert] { s.alerts.all.filter { $0.kind == kind && $0.isOpen } }

    let hot = Rule(name: "hot", metric: .custom("temp"), op: .above, value: 90, clear: 80, forSeconds: 30, severity: .critical, labels: ["page": "yes"])

    @Test func firesOnlyAfterItsForDuration() throws {
        var s = try state(hot)
        try set(&s, 95, at: 1)
        try set(&s, 95, at: 20)
        #expect(open(s).isEmpty)  // pending: 19 s of 30
        #expect(s.alertRules.states[RuleKey(rule: "hot", job: "j", phase: nil)]?.pendingSince == 1)
        try set(&s, 95, at: 31)
        let a = try #require(open(s).first)
        // The job's labels come with the rule's (the rule's win on a clash).
        #expect(a.severity == .critical && a.labels == ["team": "data", "page": "yes"] && a.message.contains("temp"))
    }

    @Test func aDipBeforeForEndsResetsThePending() throws {
        var s = try state(hot)
        try set(&s, 95, at: 1)
        try set(&s, 85, at: 10)  // below the fire threshold: pending over
        try set(&s, 95, at: 20)
        try set(&s, 95, at: 45)
        #expect(open(s).isEmpty)  // only 25 s since it came back
        try set(&s, 95, at: 50)
        #expect(open(s).count == 1)
    }

    @Test func clearsOnlyPastTheClearThreshold() throws {
        var s = try state(hot)
        try set(&s, 95, at: 0)
        try set(&s, 95, at: 30)
        #expect(open(s).count == 1)
        try set(&s, 85, at: 40)  // under 90 but over 80: still firing (hysteresis)
        #expect(open(s).count == 1)
        try set(&s, 79, at: 50)
        #expect(open(s).isEmpty)
        let resolved = try #require(s.alerts.all.first { $0.kind == "rule:hot" })
        #expect(resolved.resolvedAt == 50)
    }

    @Test func aFreshOccurrenceAfterResolutionIsANewAlert() throws {
        var s = try state(Rule(name: "hot", metric: .custom("temp"), value: 90))
        try set(&s, 95, at: 0)
        try set(&s, 50, at: 10)
        try set(&s, 95, at: 100)
        let all = s.alerts.all.filter { $0.kind == "rule:hot" }
        #expect(all.count == 2 && all[0].id != all[1].id && all[0].resolvedAt == 10 && all[1].isOpen)
    }

    @Test func flappingCollapsesIntoOneOpenAlert() throws {
        var s = try state(Rule(name: "hot", metric: .custom("temp"), value: 90))
        for k in 0..<10 { try set(&s, k % 2 == 0 ? 95 : 50, at: Double(k) * 10) }  // 10 changes in 100 s
        let all = s.alerts.all.filter { $0.kind == "rule:hot" }
        // Three fire/resolve cycles, then it flaps: one alert stays open with a repeat count.
        let flapping = try #require(all.last)
        #expect(flapping.isOpen && flapping.count >= 2 && flapping.message.contains("flapping"))
        #expect(all.count < 6)
        // Calm for half the window while cleared: it resolves.
        try set(&s, 50, at: 100 + AlertRules.flapWindow / 2 + 1)
        #expect(open(s).isEmpty)
        #expect(s.alertRules.states[RuleKey(rule: "hot", job: "j", phase: nil)]?.flapping == false)
    }

    @Test func aLostJobGetsNoStallAlert() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")], pid: 4242))), now: 0)
        try s.apply(Event(job: "j", .phaseStart(.init(phase: "p", total: 100))), now: 0)
        for t in 1...10 { try s.apply(Event(job: "j", .progress(.init(phase: "p", done: t))), now: Double(t)) }
        s.evaluateRules(now: 60)
        s.evaluateRules(now: 100)  // stalled 90 s, for 30 s: fires
        #expect(open(s, "rule:stalled").count == 1)
        s.apply(SamplerReading(at: 101, host: nil, jobs: [:], gone: ["j"]))
        s.apply(SamplerReading(at: 101 + Job.lostGrace, host: nil, jobs: [:], gone: ["j"]))
        s.evaluateRules(now: 102 + Job.lostGrace)
        #expect(open(s, "rule:lost").count == 1)
        #expect(open(s, "rule:stalled").isEmpty)  // inhibited by the lost job: resolved
    }

    @Test func silencesMuteByRuleJobOrLabelAndExpire() throws {
        var s = try state(hot)
        try set(&s, 95, at: 0)
        try set(&s, 95, at: 30)
        #expect(s.alerts.unacknowledged == 1)
        try s.apply(Event(job: "*", .silence(.init(rule: "hot", seconds: 60, by: "ann@box"))), now: 40)
        let a = try #require(open(s).first)
        #expect(a.silencedUntil == 100 && !a.needsAttention)
        #expect(s.alerts.unacknowledged == 0)
        try set(&s, 95, at: 101)  // the silence is over
        #expect(open(s).first?.silencedUntil == nil && s.alerts.unacknowledged == 1)
        try s.apply(Event(job: "*", .silence(.init(match: ["team": "data"], seconds: 60, by: "ann@box"))), now: 102)
        #expect(open(s).first?.isSilenced == true)
        // A silence that names nothing would mute everything: refused.
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "*", .silence(.init(seconds: 60, by: "x"))), now: 103) }
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "*", .silence(.init(rule: "nope", seconds: 60, by: "x"))), now: 103) }
    }

    @Test func repeatsOfAnOpenAlertCount() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        for t in 1...3 { try s.apply(Event(job: "j", .log(.init(level: .error, message: "boom \(t)"))), now: Double(t)) }
        let a = try #require(s.alerts.all.first { $0.kind == "error-log" })
        #expect(a.count == 3 && a.lastAt == 3 && a.message == "boom 3")
    }

    @Test func builtInsCanBeSwitchedOff() throws {
        var s = PipelineState()
        s.configureRules([], off: ["error-log", "stalled"])
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        try s.apply(Event(job: "j", .log(.init(level: .error, message: "boom"))), now: 1)
        #expect(s.alerts.all.isEmpty)
        #expect(s.alertRules.rules.first { $0.name == "stalled" }?.enabled == false)
    }

    @Test func aJobDeclaresItsOwnRules() throws {
        var s = PipelineState()
        var start = Event.JobStart(name: "j")
        start.rules = [Rule(name: "slow-rows", metric: .jobRate, op: .below, value: 5)]
        try s.apply(Event(job: "j", .jobStart(start)), now: 0)
        try s.apply(Event(job: "k", .jobStart(.init(name: "k"))), now: 0)
        let rule = try #require(s.alertRules.rules.first { $0.name == "slow-rows" })
        #expect(rule.job == "j" && rule.declaredByJob)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 1))), now: 1)
        try s.apply(Event(job: "j", .progress(.init(phase: "p", done: 2))), now: 31)
        try s.apply(Event(job: "k", .progress(.init(phase: "p", done: 1))), now: 1)
        try s.apply(Event(job: "k", .progress(.init(phase: "p", done: 2))), now: 31)
        s.evaluateRules(now: 31)
        #expect(s.alerts.all.filter { $0.kind == "rule:slow-rows" }.map(\.job) == ["j"])  // not k's
    }

    @Test func badRulesNameTheRuleAndTheField() {
        func error(_ fields: [(String, JSONValue)]) -> String {
            do { _ = try Rule.parse(fields); return "accepted" } catch { return error.description }
        }
        #expect(error([("name", .string("x")), ("metric", .string("job.cpu"))]) == "rule 'x': value: required: the threshold")
        #expect(error([("name", .string("x")), ("metric", .string("cpu")), ("value", .int(1))]).hasPrefix("rule 'x': metric: unknown 'cpu'"))
        #expect(error([("name", .string("x")), ("metric", .string("job.cpu")), ("value", .int(90)), ("clear", .int(95))])
            .hasPrefix("rule 'x': clear: must be on the other side"))
        #expect(error([("name", .string("x")), ("metric", .string("job.cpu")), ("value", .int(90)), ("severity", .string("huge"))])
            == "rule 'x': severity: one of info, warning, critical")
        #expect(error([("name", .string("x")), ("metric", .string("job.cpu")), ("value", .int(90)), ("color", .string("red"))])
            .hasPrefix("rule 'x': color: unknown field"))
        #expect(error([("name", .string("x")), ("metric", .string("metric:rows_behind")), ("value", .int(9)), ("op", .string(">="))]) == "accepted")
    }
}

/// Rule evaluation keeps state only where a condition has held, keyed by value (not a string
/// split on `|`), and reads snapshots written with the old string keys.
@Suite("Rule state at scale")
struct RuleStateTests {
    let hot = Rule(name: "hot", metric: .custom("temp"), op: .above, value: 90, clear: 80, forSeconds: 30)

    func state(jobs: [String], rule: Rule) throws -> PipelineState {
        var s = PipelineState()
        s.configureRules([rule], off: [])
        for j in jobs { try s.apply(Event(job: j, .jobStart(.init(name: j, phases: [.init(id: "p")]))), now: 0) }
        return s
    }

    @Test func aConditionThatNeverHeldCostsNoEntryAndStillFiresAfterItsFor() throws {
        var s = try state(jobs: (0..<100).map { "j\($0)" }, rule: hot)
        for j in 0..<100 { try s.apply(Event(job: "j\(j)", .metric(.init(name: "temp", value: 20))), now: 1) }
        s.evaluateRules(now: 1)
        #expect(s.alertRules.states.isEmpty)
        try s.apply(Event(job: "j7", .metric(.init(name: "temp", value: 95))), now: 2)
        s.evaluateRules(now: 2)
        #expect(s.alertRules.states.count == 1 && s.alertRules.states[RuleKey(rule: "hot", job: "j7", phase: nil)]?.pendingSince == 2)
        s.evaluateRules(now: 31)
        #expect(s.alerts.all.filter(\.isOpen).isEmpty)  // 29 s of 30
        s.evaluateRules(now: 32)
        #expect(s.alerts.all.filter(\.isOpen).map(\.job) == ["j7"])
        try s.apply(Event(job: "j7", .metric(.init(name: "temp", value: 85))), now: 40)
        s.evaluateRules(now: 40)
        #expect(s.alerts.all.filter(\.isOpen).count == 1)  // above `clear`
        try s.apply(Event(job: "j7", .metric(.init(name: "temp", value: 70))), now: 50)
        s.evaluateRules(now: 50)
        #expect(s.alerts.all.filter(\.isOpen).isEmpty && s.alerts.all.first?.resolvedAt == 50)
    }

    /// A job id and a phase with `|` in them: the old string key split them wrong, and the
    /// alert of an ended phase stayed open.
    @Test func namesWithABarResolveTheirOwnAlert() throws {
        let slow = Rule(name: "slow", metric: .idle, op: .above, value: 5)
        var s = PipelineState()
        s.configureRules([slow], off: [])
        try s.apply(Event(job: "a|b", .jobStart(.init(name: "x", phases: [.init(id: "c|d")]))), now: 0)
        try s.apply(Event(job: "a|b", .phaseStart(.init(phase: "c|d", total: 10))), now: 0)
        try s.apply(Event(job: "a|b", .progress(.init(phase: "c|d", done: 1))), now: 0)
        s.evaluateRules(now: 10)
        let open = try #require(s.alerts.all.first { $0.isOpen && $0.kind == "rule:slow" })
        #expect(open.job == "a|b" && open.phase == "c|d")
        try s.apply(Event(job: "a|b", .phaseEnd(.init(phase: "c|d", status: .done))), now: 11)
        s.evaluateRules(now: 12)
        #expect(s.alerts.all.filter { $0.isOpen && $0.kind == "rule:slow" }.isEmpty, "\(s.alerts.all)")
    }

    @Test func aSnapshotWithTheOldStringKeysIsRead() throws {
        let old = #"{"rules":[],"off":[],"silences":[],"states":{"hot|j|p":{"pendingSince":3,"firing":false,"changes":[],"flapping":false}}}"#
        let rules = try JSONDecoder().decode(AlertRules.self, from: Data(old.utf8))
        #expect(rules.states[RuleKey(rule: "hot", job: "j", phase: "p")]?.pendingSince == 3)
        let again = try JSONDecoder().decode(AlertRules.self, from: try JSONEncoder().encode(rules))
        #expect(again == rules)
    }
}
