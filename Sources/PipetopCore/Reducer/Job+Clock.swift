extension Job {
    /// Learns the producer's clock from an event that arrived at engine time `arrival`: events
    /// without a plausible `ts`, and spooled ones (late on purpose), teach nothing.
    /// Events replayed from the journal come with the engine time they first arrived at, so
    /// they teach what they taught then: a restart restores the same `clockSkew`.
    mutating func noteClock(of event: Event, arrival: Double) {
        guard let ts = event.plausibleTS, !event.spooled else { return }
        // Mutated where it lives (a copy would copy its slots at every event).
        if clockOffsets == nil { clockOffsets = ClockOffsets() }
        clockOffsets!.note(arrival: arrival, ts: ts)
        clockSkew = clockOffsets!.offset
    }
}
