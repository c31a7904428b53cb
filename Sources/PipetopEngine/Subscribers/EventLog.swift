import PipetopCore
import PipetopWire

/// The newest applied events, numbered, for viewers that asked for the event stream
/// (`"events": true`): each gets every event after the last it got, so a pause and a resume
/// inside one frame are both seen. Bounded: a viewer further behind than `capacity` is told
/// what it missed (`skipped`) instead of the engine keeping a backlog for it.
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
    /// The number the next event gets.
    private(set) var next: UInt64 = 1

    mutating func record(_ event: Event, line: String?) {
        let e = Entry(seq: next, job: event.job, type: event.typeName, line: line ?? String(EventEncoder.line(event).dropLast()))
        next &+= 1
        if ring.count < Self.capacity { ring.append(e) } else { ring[head] = e; head = (head + 1) % Self.capacity }
    }

    /// The oldest number still kept.
    var oldest: UInt64 { next - UInt64(ring.count) }

    /// Events numbered after `seq`, oldest first.
    func after(_ seq: UInt64) -> ArraySlice<Entry> {
        let first = max(seq &+ 1, oldest)
        guard first < next else { return [] }
        // Only the entries asked for are copied, in order (the ring wraps at `head`).
        let skip = Int(first - oldest)
        return ArraySlice((skip..<ring.count).map { ring[(head + $0) % ring.count] })
    }
}
