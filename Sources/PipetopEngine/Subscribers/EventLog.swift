import PipetopCore
import PipetopWire

/// The newest applied events, numbered, for viewers that asked for the event stream
/// (`"events": true`): each gets every event after the last it got, so a pause and a resume
/// inside one frame are both seen. Bounded: a viewer further behind than `capacity` is told
/// what it missed (`skipped`) instead of the engine keeping a backlog for it.
///
/// Numbers start at the microsecond the log began, not at 1: a number a client kept from
/// before an engine restart is below every number of the restarted engine, so resuming from
/// it is answered with `skipped` (take the Board again) instead of waiting, silently, for the
/// new engine's count to pass it.
struct EventLog: Sendable {
    static let capacity = 8_192

    struct Entry: Sendable {
        var seq: UInt64
        var job: String
        var type: String
        /// The event as it came on the wire (or encoded, for events made in the engine).
        var line: String
    }

    private var ring: [Entry] = []
    private var head = 0
    /// The number the first event got.
    let first: UInt64
    /// The number the next event gets.
    private(set) var next: UInt64

    /// Numbers from `startedAt` (engine clock, seconds) in microseconds: under 2^53 until
    /// the year 2255, so JavaScript reads them exactly.
    init(startedAt: Double) {
        first = startedAt > 1 && startedAt < 9e9 ? UInt64(startedAt * 1_000_000) : 1
        next = first
    }

    mutating func record(_ event: Event, line: String?) {
        let e = Entry(seq: next, job: event.job, type: event.typeName, line: line ?? String(EventEncoder.line(event).dropLast()))
        next &+= 1
        if ring.count < Self.capacity { ring.append(e) } else { ring[head] = e; head = (head + 1) % Self.capacity }
    }

    /// The oldest number still kept.
    var oldest: UInt64 { next - UInt64(ring.count) }

    /// Where a client that asks to resume after `since` starts (the number of the last event
    /// it is taken to have): nil, from now; 0, everything kept; a number from before this
    /// log began (an earlier engine), where it is, so that what it missed is reported as
    /// skipped; a number this log has not reached (a clock set back between restarts, or
    /// made up), the same as one from an earlier engine.
    func resumePoint(since: UInt64?) -> UInt64 {
        guard let since else { return next &- 1 }
        if since == 0 { return first &- 1 }
        return since < next ? since : 0
    }

    /// Events numbered after `seq`, oldest first.
    func after(_ seq: UInt64) -> ArraySlice<Entry> {
        let first = max(seq &+ 1, oldest)
        guard first < next else { return [] }
        // Only the entries asked for are copied, in order (the ring wraps at `head`).
        let skip = Int(first - oldest)
        return ArraySlice((skip..<ring.count).map { ring[(head + $0) % ring.count] })
    }
}
