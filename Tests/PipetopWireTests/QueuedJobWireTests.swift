import Testing
@testable import PipetopCore
@testable import PipetopWire

@Suite("Queued jobs on the wire")
struct QueuedJobWireTests {
    @Test func jobStartTakesStatePendingAndRefusesOtherStatesInASentence() throws {
        guard case .event(let e) = try decoded(#"{"type":"job.start","job":"r","state":"pending"}"#), case .jobStart(let s) = e.body else {
            Issue.record("not a job.start"); return
        }
        #expect(s.queued)
        guard case .event(let e2) = try decoded(#"{"type":"job.start","job":"r","state":"running"}"#), case .jobStart(let s2) = e2.body else {
            Issue.record("not a job.start"); return
        }
        #expect(!s2.queued)
        #expect(reason(#"{"type":"job.start","job":"r","state":"paused"}"#)
                == #"field 'state' of job.start must be "pending" (queued, waiting to run) or "running", not 'paused'"#)
    }

    @Test func theEncoderWritesItBack() throws {
        var start = Event.JobStart(name: "r")
        start.queued = true
        let line = EventEncoder.line(Event(job: "r", .jobStart(start)))
        #expect(line.contains(#""state":"pending""#))
        guard case .event(let e) = try decoded(String(line.dropLast())), case .jobStart(let back) = e.body else { Issue.record("\(line)"); return }
        #expect(back.queued)
    }

    @Test func theHealthRequestDecodes() throws {
        #expect(try decoded(#"{"type":"health"}"#) == .health)
    }
}
