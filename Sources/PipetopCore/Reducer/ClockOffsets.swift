/// How far a producer's clock is behind the engine's, learned from its events' `ts`.
///
/// Each event gives arrival (engine time) minus `ts`: the true offset plus however long the
/// event took to arrive. Transport delay only adds, so the truest figure is the smallest seen.
/// The smallest is kept per slot of `slotSeconds` of arrival time, over the newest `slots`
/// slots: a burst of late events (a producer that was blocked, a backlog flushed at once)
/// arrives within one slot and cannot raise the estimate; a clock that is set forward is
/// learned at its first event; one set back is learned once the slots from before it have
/// passed (about a minute of arrivals), because until then it looks like a late burst.
public struct ClockOffsets: Sendable, Codable, Equatable {
    /// The lowest offset seen in one slot, and when (engine time) that slot began.
    struct Slot: Sendable, Codable, Equatable {
        var start: Double
        var low: Double
    }

    static let slotSeconds = 5.0
    static let slots = 12

    private(set) var recent: [Slot] = []
    /// The estimate: engine time minus the producer's, nil before any event with a `ts`. Kept
    /// rather than worked out at each event (it changes at most once a slot, or downwards).
    public private(set) var offset: Double?

    public init() {}

    /// Notes one event that arrived at engine time `arrival` stamped `ts` by its producer.
    public mutating func note(arrival: Double, ts: Double) {
        let offset = arrival - ts
        if let last = recent.last, arrival >= last.start, arrival < last.start + Self.slotSeconds {
            if offset < last.low {
                recent[recent.count - 1].low = offset
                self.offset = min(self.offset ?? offset, offset)
            }
            return
        }
        // A new slot (or the engine's clock went back: start afresh from this arrival).
        if let last = recent.last, arrival < last.start { recent.removeAll() }
        recent.append(Slot(start: arrival, low: offset))
        if recent.count > Self.slots { recent.removeFirst(recent.count - Self.slots) }
        self.offset = recent.lazy.map(\.low).min()
    }
}
