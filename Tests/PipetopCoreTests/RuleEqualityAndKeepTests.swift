import Foundation
import Testing
@testable import PipetopCore

/// Rules on exact values (`==`, `!=`), alerts kept open until someone acknowledges them,
/// and silences lifted early.
@Suite("Rules: equality, kept alerts, lifted silences")
struct RuleEqualityAndKeepTests {
    func state(_ rule: Rule) throws -> PipelineState {
        var s = PipelineState()
        s.configureRules([rule], off: [])
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")]))), now: 0)
        return s
    }

    func set(_ s: inout PipelineState, _ v: Double, at t: Double) throws {
        try s.apply(Event(job: "j", .metric(.init(name: "mode", value: v))), now: t)
        s.evaluateRules(now: t)
    }

    func open(_ s: PipelineState, _ name: String) -> Alert? { s.alerts.all.last { $0.kind == "rule:" + name && $0.isOpen } }

    @Test func equalityRulesFireOnTheExactValueOnly() throws {
        let degraded = try Rule.parse([("name", .string("degraded")), ("metric", .string("metric:mode")), ("op", .string("==")), ("value", .int(2))])
        var s = try state(degraded)
        try set(&s, 1, at: 1)
        #expect(open(s, "degraded") == nil)
        try set(&s, 2, at: 2)
        #expect(open(s, "degraded") != nil)
        try set(&s, 3, at: 3)
        #expect(open(s, "degraded") == nil)
        let notOK = try Rule.parse([("name", .string("not-ok")), ("metric", .string("metric:mode")), ("op", .string("!=")), ("value", .int(0))])
        var t = try state(notOK)
        try set(&t, 0, at: 1)
        #expect(open(t, "not-ok") == nil)
        try set(&t, 5, at: 2)
        #expect(open(t, "not-ok") != nil)
    }

    @Test func anEqualityTakesNoClearThreshold() {
        #expect(throws: RuleError.self) {
            try Rule.parse([("name", .string("x")), ("metric", .string("metric:mode")), ("op", .string("==")), ("value", .int(2)), ("clear", .int(1))])
        }
    }

    @Test func aKeptAlertOutlivesItsCauseUntilAcknowledged() throws {
        var rule = Rule(name: "blip", metric: .custom("mode"), op: .above, value: 5, severity: .critical)
        rule.keepUntilAcknowledged = true
        var s = try state(rule)
        try set(&s, 9, at: 1)
        let a = try #require(open(s, "blip"))
        try set(&s, 0, at: 2)
        try set(&s, 0, at: 3)
        #expect(open(s, "blip") != nil)  // the cause is gone; nobody has seen it yet
        try s.apply(Event(job: "j", .ack(.init(alert: a.id, by: "ana"))), now: 4)
        s.evaluateRules(now: 5)
        #expect(open(s, "blip") == nil)
        // Also when its subject goes away (the job ends) before anyone looked.
        var u = try state(rule)
        try set(&u, 9, at: 1)
        let b = try #require(open(u, "blip"))
        try u.apply(Event(job: "j", .jobEnd(.init(status: .completed))), now: 2)
        u.evaluateRules(now: 3)
        #expect(open(u, "blip") != nil)
        try u.apply(Event(job: "j", .ack(.init(alert: b.id, by: "ana"))), now: 4)
        u.evaluateRules(now: 5)
        #expect(open(u, "blip") == nil)
    }

    @Test func aSilenceCanBeLiftedEarly() throws {
        var s = try state(Rule(name: "hot", metric: .custom("mode"), value: 5))
        try s.apply(Event(job: "*", .silence(.init(rule: "hot", seconds: 3600, by: "ana"))), now: 1)
        let id = try #require(s.alertRules.silences.first?.id)
        try set(&s, 9, at: 2)
        #expect(open(s, "hot")?.isSilenced == true)
        try s.apply(Event(job: "*", .silence(.init(seconds: 0, by: "ana", expire: id))), now: 3)
        #expect(s.alertRules.silences.isEmpty && open(s, "hot")?.isSilenced == false)
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "*", .silence(.init(seconds: 0, by: "ana", expire: id))), now: 4) }
    }
}
