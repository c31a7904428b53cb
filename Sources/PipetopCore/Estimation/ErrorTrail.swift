/// A job's items and errors over the last minutes, a mark at most every `spacing` seconds,
/// for error rates over a window.
public struct ErrorTrail: Sendable, Codable, Equatable {
    public struct Mark: Sendable, Codable, Equatable {
        public var t: Double
        /// Items done or failed, and errors (failed items plus error log lines), so far.
        public var items: Int
        public var errors: Int
    }
    public private(set) var marks: [Mark] = []
    static let spacing = 5.0
    static let kept = 360  // 30 minutes at 5 s

    public init() {}

    /// Whether a new mark is due at `t` (marks are `spacing` apart; the newest figures are
    /// read from the job when the rate is wanted, so events in between cost nothing).
    func isDue(at t: Double) -> Bool { marks.last.map { t - $0.t >= Self.spacing } ?? true }

    mutating func note(items: Int, errors: Int, at t: Double) {
        if let l = marks.last, l.items == items, l.errors == errors { return }
        marks.append(Mark(t: t, items: items, errors: errors))
        if marks.count > Self.kept { marks.removeFirst(marks.count - Self.kept) }
    }

    /// Errors per item (%) over the last `window` seconds, up to the job's figures now;
    /// 0 for fewer than three errors.
    func percent(window: Double, now: Double, items nowItems: Int, errors nowErrors: Int) -> Double {
        guard let first = marks.first else { return 0 }
        let base = marks.last { $0.t <= now - window } ?? first
        let errors = nowErrors - base.errors, items = nowItems - base.items
        guard errors >= 3 else { return 0 }
        return min(100, Double(errors) / Double(max(1, items)) * 100)
    }
}
