import Testing
@testable import PipetopCore
@testable import PipetopEngine

/// Where a client resuming with `since` starts, and what it is told it missed.
struct EventLogTests {
    func log(startedAt: Double = 1_796_000_000, events: Int) -> EventLog {
        var l = EventLog(startedAt: startedAt)
        for i in 0..<events { l.record(Event(job: "a", .log(.init(level: .info, message: "m\(i)"))), line: nil) }
        return l
    }

    @Test func numbersStartAtTheMicrosecondTheLogBegan() {
        let l = log(events: 3)
        #expect(l.first == 1_796_000_000_000_000)
        #expect(l.oldest == l.first && l.next == l.first + 3)
        #expect(l.after(l.first).map(\.seq) == [l.first + 1, l.first + 2])
    }

    @Test func resumePoints() {
        let l = log(events: 3)
        #expect(l.resumePoint(since: nil) == l.next - 1, "from now")
        #expect(l.resumePoint(since: 0) == l.first - 1, "everything kept")
        #expect(l.resumePoint(since: l.first + 1) == l.first + 1, "a resume")
        // An earlier engine's number: kept as it is, below the oldest, so that what was
        // missed is reported (from since+1 to oldest-1).
        let earlier = l.first - 5_000
        #expect(l.resumePoint(since: earlier) == earlier)
        #expect(earlier + 1 < l.oldest)
        // One this log has not reached: as from an earlier engine (skipped from 1).
        #expect(l.resumePoint(since: l.next + 10) == 0)
        #expect(l.resumePoint(since: l.next) == 0)
    }

    @Test func aWrappedLogReportsWhatIsGone() {
        let l = log(events: EventLog.capacity + 10)
        #expect(l.oldest == l.first + 10)
        #expect(l.resumePoint(since: 0) + 1 < l.oldest, "since=0 after the ring wrapped: skipped is said")
        #expect(l.after(0).count == EventLog.capacity)
    }

    @Test func aClockBeforeAnyRealTimeCountsFromOne() {
        #expect(EventLog(startedAt: 0).first == 1)
        #expect(log(startedAt: 0, events: 2).resumePoint(since: 0) == 0)
    }
}
