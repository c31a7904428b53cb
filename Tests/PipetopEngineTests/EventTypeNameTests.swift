import Testing
@testable import PipetopCore
@testable import PipetopEngine
import PipetopWire

/// `Event.typeNames` is what the event stream's `type=` filter accepts: a body case left out
/// of it would make its events unfilterable. Every case is tried, through a CaseIterable twin
/// of `Event.Body` that a new case cannot be added without.
@Suite struct EventTypeNameTests {
    /// One case for each of `Event.Body`'s. `init` has no default: a case added to the Body
    /// does not compile here until it has its twin, and the twin until it has an `example`.
    enum BodyCase: CaseIterable {
        case jobStart, phaseStart, progress, step, phaseEnd, checkpoint, log, metric, jobState, jobEnd, alert, artifact, ack, rule,
             silence, clearAlerts, forgetJob, alertRecord

        init(_ b: Event.Body) {
            switch b {
            case .jobStart: self = .jobStart
            case .phaseStart: self = .phaseStart
            case .progress: self = .progress
            case .step: self = .step
            case .phaseEnd: self = .phaseEnd
            case .checkpoint: self = .checkpoint
            case .log: self = .log
            case .metric: self = .metric
            case .jobState: self = .jobState
            case .jobEnd: self = .jobEnd
            case .alert: self = .alert
            case .artifact: self = .artifact
            case .ack: self = .ack
            case .rule: self = .rule
            case .silence: self = .silence
            case .clearAlerts: self = .clearAlerts
            case .forgetJob: self = .forgetJob
            case .alertRecord: self = .alertRecord
            }
        }

        var example: Event.Body {
            switch self {
            case .jobStart: return .jobStart(.init(name: "n"))
            case .phaseStart: return .phaseStart(.init(phase: "p"))
            case .progress: return .progress(.init(phase: "p", done: 1))
            case .step: return .step(.init(phase: "p", step: "s", state: .running))
            case .phaseEnd: return .phaseEnd(.init(phase: "p"))
            case .checkpoint: return .checkpoint(.init(name: "c"))
            case .log: return .log(.init(level: .info, message: "m"))
            case .metric: return .metric(.init(name: "m", value: 1))
            case .jobState: return .jobState(.paused)
            case .jobEnd: return .jobEnd(.init(status: .completed))
            case .alert: return .alert(.init(message: "m"))
            case .artifact: return .artifact(.init(name: "a"))
            case .ack: return .ack(.init(alert: "a", by: "b"))
            case .rule: return .rule(Rule(name: "hot", metric: .custom("temp"), value: 90))
            case .silence: return .silence(.init(seconds: 60, by: "b"))
            case .clearAlerts: return .clearAlerts(nil)
            case .forgetJob: return .forgetJob
            case .alertRecord:
                return .alertRecord(Alert(id: "j/x#1", job: "j", phase: nil, kind: "x", severity: .info, message: "m", firstAt: 1, lastAt: 1, count: 1))
            }
        }
    }

    @Test(arguments: BodyCase.allCases)
    func everyTypeIsNamedFilterableAndWrittenUnderItsName(_ c: BodyCase) throws {
        #expect(BodyCase(c.example) == c, "the example is of its own case")
        let e = Event(job: "j", c.example)
        #expect(Event.typeNames.contains(e.typeName), "\(e.typeName) is not in Event.typeNames: its events cannot be filtered")
        let filter = try EventFilter(query: "type=\(e.typeName)", lastEventID: nil)
        #expect(filter.admits(job: "j", type: e.typeName) && !filter.admits(job: "j", type: "other"))
        #expect(EventEncoder.line(e).hasPrefix(#"{"type":"\#(e.typeName)","#), "\(EventEncoder.line(e))")
    }

    @Test func oneNameACaseAndNoneLeftOver() {
        let names = BodyCase.allCases.map { Event(job: "j", $0.example).typeName }
        #expect(Set(names).count == names.count)
        #expect(Set(Event.typeNames) == Set(names) && Event.typeNames.count == names.count)
    }
}
