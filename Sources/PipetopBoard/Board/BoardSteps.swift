/// A phase's sub-steps: always their counts; the steps themselves only for the viewer that
/// looks at the phase (its focus), so nobody else pays for them.
public struct BoardSteps: Sendable, Equatable, Codable {
    /// Steps kept in detail, how many of them run, and how many failed in all (kept or not).
    public var kept: Int
    public var running: Int
    public var failed: Int
    /// How many its job's cancel stopped, kept or not (nil when none, and from an engine
    /// before canceled steps).
    public var canceled: Int?
    /// Finished steps folded into counts (past the detail limit).
    public var dropped: Int
    /// The longest step so far (seconds).
    public var longest: Double
    /// The kept steps, oldest first; nil unless this phase is the viewer's focus.
    public var items: [Step]?
    /// What a glance at the job shows of them, for every viewer: the newest running steps (at
    /// most `recentRunning`) and the newest failed one, newest first.
    public var recent: [Step]

    public static let recentRunning = 3

    public init(kept: Int = 0, running: Int = 0, failed: Int = 0, canceled: Int? = nil, dropped: Int = 0, longest: Double = 0,
                items: [Step]? = nil, recent: [Step] = []) {
        self.kept = kept; self.running = running; self.failed = failed; self.canceled = canceled; self.dropped = dropped
        self.longest = longest
        self.items = items; self.recent = recent
    }

    /// Every step seen, kept or folded.
    public var total: Int { kept + dropped }
    /// Steps that finished done: neither running, failed nor canceled.
    public var done: Int { total - running - failed - (canceled ?? 0) }
}
