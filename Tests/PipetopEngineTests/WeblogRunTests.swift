import Testing
@testable import PipetopCore
@testable import PipetopEngine

/// The weblog mapping alone: weblog events in, pipetop events out, no I/O.
@Suite struct WeblogRunTests {
    func trace(_ id: Int, _ process: String, tag: String?, status: String, attempt: Int = 1, exit: Int? = nil, action: String? = nil) -> WeblogTrace {
        var t = WeblogTrace()
        t.taskID = String(id); t.process = process; t.tag = tag; t.name = "\(process) (\(tag ?? String(id)))"
        t.status = status; t.attempt = attempt; t.exit = exit; t.errorAction = action
        return t
    }

    func message(_ kind: WeblogMessage.Kind, _ t: WeblogTrace? = nil, success: Bool? = nil) -> WeblogMessage {
        WeblogMessage(runName: "r", runId: "abcdef0123", kind: kind, time: 1_800_000_000, trace: t,
                      workflow: success.map { WeblogWorkflow(success: $0, errorMessage: $0 ? nil : "boom") })
    }

    @Test func aRetriedAttemptIsNoFailureAndTheTotalIsTheTasksSeen() {
        var run = WeblogRun(runName: "r", runId: "abcdef0123")
        var all: [Event] = []
        all += run.events(for: message(.started))
        all += run.events(for: message(.processSubmitted, trace(1, "A", tag: "x", status: "SUBMITTED")))
        all += run.events(for: message(.processSubmitted, trace(2, "A", tag: "y", status: "SUBMITTED")))
        all += run.events(for: message(.processCompleted, trace(2, "A", tag: "y", status: "FAILED", exit: 1, action: "RETRY")))
        all += run.events(for: message(.processSubmitted, trace(3, "A", tag: "y", status: "SUBMITTED", attempt: 2)))
        all += run.events(for: message(.processCompleted, trace(3, "A", tag: "y", status: "COMPLETED", attempt: 2, exit: 0)))
        all += run.events(for: message(.completed, success: true))
        #expect(run.job == "nextflow:r/abcdef01")
        var state = PipelineState()
        for e in all { #expect(throws: Never.self) { try state.apply(e, now: 1_800_000_100) } }
        let job = state[job: run.job]
        #expect(job?.state == .completed)
        #expect(job?.phase("A")?.total == 2, "y's retry is the same task, seen once")
        #expect(job?.phase("A")?.failed == 0 && job?.phase("A")?.done == 1)
        #expect(!all.contains { if case .log(let l) = $0.body { return l.level == .error } else { return false } })
    }

    @Test func anIgnoredFailureCountsButDoesNotFailTheRun() {
        var run = WeblogRun(runName: "r", runId: "abcdef0123")
        var state = PipelineState()
        for m in [message(.processSubmitted, trace(1, "B", tag: nil, status: "SUBMITTED")),
                  message(.processCompleted, trace(1, "B", tag: nil, status: "FAILED", exit: 2, action: "IGNORE")),
                  message(.completed, success: true)] {
            for e in run.events(for: m) { try? state.apply(e, now: 1_800_000_100) }
        }
        let job = state[job: run.job]
        #expect(job?.state == .completed)
        #expect(job?.phase("B")?.failed == 1)
        #expect(job?.phase("B")?.steps.items.first?.id == "B (1)", "no tag: the task's name")
    }

    @Test func eventsAfterTheEndAndUnknownEventsAreIgnored() {
        var run = WeblogRun(runName: "r", runId: "abcdef0123")
        _ = run.events(for: message(.completed, success: false))
        #expect(run.events(for: message(.processSubmitted, trace(1, "A", tag: nil, status: "SUBMITTED"))).isEmpty)
        var unknown = message(.started)
        unknown.kind = nil
        var fresh = WeblogRun(runName: "r", runId: "abcdef0123")
        #expect(fresh.events(for: unknown).isEmpty)
    }

    @Test func bodiesThatAreNotWeblogEventsSaySo() throws {
        func why(_ s: String) -> String? {
            do { _ = try WeblogMessage.decode(Array(s.utf8)); return nil } catch { return error.description }
        }
        #expect(why("{")?.hasPrefix("the body is not JSON") == true)
        #expect(why(#"{"runName":"a","runId":"b"}"#) == "a weblog event has a runName, a runId and an event; this one has no event")
        #expect(why(#"{"runName":"a","runId":"b","event":"process_started"}"#) == "a process_started weblog event carries the task's trace; this one has none")
        #expect(why(#"{"runName":"a","runId":"b","event":"started","utcTime":"2018-10-07T11:42:08Z"}"#) == nil)
        #expect(why(#"{"runName":"a\u001b[2J","runId":"b","event":"started"}"#) == "the runName of this weblog event holds control characters")
        #expect(why(#"{"runName":"a","runId":"b","event":"process_started","trace":{"process":"P","tag":"\u0007"}}"#) == "the trace's tag of this weblog event holds control characters")
        #expect(try WeblogMessage.decode(Array(#"{"runName":"a","runId":"b","event":"started","utcTime":"2018-10-07T11:42:08Z"}"#.utf8)).time == 1_538_912_528)
        // Nextflow writes each character's low byte (DataOutputStream.writeBytes): Latin-1.
        let zurich = Array(#"{"runName":"a","runId":"b","event":"process_started","trace":{"process":"P","tag":"Z"#.utf8) + [0xFC] + Array(#"rich"}}"#.utf8)
        #expect(try WeblogMessage.decode(zurich).trace?.tag == "Zürich")
        #expect(WeblogMessage.iso8601("2018-10-07T11:42:08.250Z") == 1_538_912_528.25)
        #expect(WeblogMessage.iso8601("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(WeblogMessage.iso8601("2018-10-07 11:42:08") == nil)
    }
}
