/// A phase's sub-steps: always their counts; the steps themselves only for the viewer that
/// looks at the phase (its focus), so nobody else pays for them.
public struct BoardSteps: Sendable, Equatable, Codable {
    /// Steps kept in detail, and how many of them run or failed.
    public var kept: Int
    public var running: Int
    public var failed: Int
    /// Finished steps folded into counts (past the detail limit).
    public var dropped: Int
    /// The longest step so far (seconds).
    public var longest: Double
    /// The kept steps, oldest first; nil unless this phase is the viewer's focus.
    public var items: [Step]?

    public init(kept: Int = 0, running: Int = 0, failed: Int = 0, dropped: Int = 0, longest: Double = 0, items: [Step]? = nil) {
        self.kept = kept; self.running = running; self.failed = failed; self.dropped = dropped; self.longest = longest; self.items = items
    }

    /// Every step seen, kept or folded.
    public var total: Int { kept + dropped }
}
