import Testing
import PipetopBoard

/// The order every viewer lists jobs in by default: one rule, in the read model.
@Suite struct JobAttentionTests {
    func alert(_ job: String, ack: Bool = false, resolved: Bool = false, silenced: Bool = false) -> Alert {
        var a = Alert(id: "\(job)/x#1", job: job, phase: nil, kind: "event:x", severity: .warning, message: "m", firstAt: 5, lastAt: 5, count: 1,
                      resolvedAt: resolved ? 6 : nil, ack: ack ? Alert.Ack(by: "ann@h", at: 6, comment: nil) : nil)
        if silenced { a.silencedUntil = 99 }
        return a
    }

    @Test func failedLostAndAlertingFirstThenGoingThenFinishedNewestFirstInEach() {
        let jobs = [
            BoardJob(id: "done-old", name: "a", state: .completed, startedAt: 1, endedAt: 2),
            BoardJob(id: "failed-old", name: "b", state: .failed, startedAt: 2, endedAt: 3),
            BoardJob(id: "running-old", name: "c", state: .running, startedAt: 3),
            BoardJob(id: "lost", name: "d", state: .running, startedAt: 4, error: "its process 42 is gone", byEngine: true),
            BoardJob(id: "canceled", name: "e", state: .canceled, startedAt: 5, endedAt: 6),
            BoardJob(id: "alerting", name: "f", state: .running, startedAt: 6),
            BoardJob(id: "acked", name: "g", state: .running, startedAt: 7),
            BoardJob(id: "pending", name: "h", state: .pending, startedAt: 8),
            BoardJob(id: "silenced", name: "i", state: .paused, startedAt: 9),
            BoardJob(id: "resolved", name: "j", state: .completed, startedAt: 10, endedAt: 11),
            BoardJob(id: "failed-new", name: "k", state: .failed, startedAt: 12, endedAt: 13),
            // Same start: by id.
            BoardJob(id: "twin-b", name: "l", state: .running, startedAt: 3),
            BoardJob(id: "twin-a", name: "m", state: .running, startedAt: 3),
        ]
        let b = Board(at: 20, jobs: jobs, alerts: [alert("alerting"), alert("acked", ack: true), alert("silenced", silenced: true),
                                                   alert("resolved", resolved: true)])
        #expect(b.alertingJobs == ["alerting"])
        #expect(b.byAttention.map(\.id) == ["failed-new", "alerting", "lost", "failed-old",
                                            "silenced", "pending", "acked", "running-old", "twin-a", "twin-b",
                                            "resolved", "canceled", "done-old"])
        // The Board's own list keeps its start order.
        #expect(b.jobs.map(\.id) == jobs.map(\.id))
    }

    @Test func aLostJobNeedsAPersonEvenWithItsAlertAcknowledged() {
        let lost = BoardJob(id: "lost", name: "lost", state: .running, startedAt: 1, byEngine: true)
        let newer = BoardJob(id: "newer", name: "newer", state: .running, startedAt: 2)
        let b = Board(at: 3, jobs: [lost, newer], alerts: [alert("lost", ack: true)])
        #expect(JobAttention(lost, alerting: false).group == .needed)
        #expect(b.byAttention.map(\.id) == ["lost", "newer"])
        // Once it reports again the engine's verdict is undone: it is a running job like any other.
        var back = lost
        back.byEngine = false
        #expect(JobAttention(back, alerting: false).group == .going)
        // A failed job the engine judged (it ended while no engine ran) stays failed: first too.
        #expect(JobAttention(BoardJob(id: "f", name: "f", state: .failed, startedAt: 1, byEngine: true), alerting: false).group == .needed)
    }
}
