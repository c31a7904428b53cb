/// Something that needs a person: a failed phase or job, an error logged, or an alert a job
/// raised itself. The same cause (job, phase, kind) is one alert with a repeat count, until it
/// resolves; a fresh occurrence after that is a new alert.
public struct Alert: Sendable, Codable, Equatable, Identifiable {
    public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
        case info, warning, critical

        private var rank: Int { Severity.allCases.firstIndex(of: self)! }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public struct Ack: Sendable, Codable, Equatable {
        /// Who acknowledged, as `user@host`.
        public var by: String
        public var at: Double
        public var comment: String?
        public init(by: String, at: Double, comment: String?) { self.by = by; self.at = at; self.comment = comment }
    }

    /// `job/phase/kind#n`: stable while the alert lives, unique across occurrences.
    public var id: String
    public var job: String
    public var phase: String?
    /// What raised it: `phase-failed`, `job-failed`, `error-log`, or `event:NAME`.
    public var kind: String
    public var severity: Severity
    public var message: String
    public var firstAt: Double
    public var lastAt: Double
    /// Times the same cause fired while this alert was open.
    public var count: Int
    public var resolvedAt: Double?
    public var ack: Ack?
    /// Its labels: the job's, with the rule's or the `alert` event's own over them.
    public var labels: [String: String]?
    /// What the job said with it (an `alert` event's `context` object), for the person it reaches.
    public var context: JSONValue?
    /// Muted by a silence until then.
    public var silencedUntil: Double?
    /// What else was seen with it: a job's failure lists its failed phases and error lines
    /// here (one failure, one alert), newest last, at most `maxDetails`.
    public var details: [String]?
    /// Folded into that alert (a job's failure) and resolved: kept for notifications' sake,
    /// not listed on its own.
    public var foldedInto: String?
    /// Cleared by a person (`x`, `alerts.clear` naming it): resolved then, not listed.
    public var clearedAt: Double?

    public init(id: String, job: String, phase: String?, kind: String, severity: Severity, message: String,
                firstAt: Double, lastAt: Double, count: Int, resolvedAt: Double? = nil, ack: Ack? = nil,
                labels: [String: String]? = nil) {
        self.id = id; self.job = job; self.phase = phase; self.kind = kind; self.severity = severity; self.message = message
        self.firstAt = firstAt; self.lastAt = lastAt; self.count = count; self.resolvedAt = resolvedAt; self.ack = ack
        self.labels = labels
    }

    public static let maxDetails = 20
    public static let maxDetailBytes = 400

    public var isOpen: Bool { resolvedAt == nil }
    /// Listed on its own (not folded into a failure, not cleared).
    public var isListed: Bool { foldedInto == nil && clearedAt == nil }
    /// Raised by an event (a failure, an error line, the job's own alert) rather than by a
    /// rule that still measures it: a person may clear it once acknowledged.
    public var isEventDriven: Bool { !kind.hasPrefix("rule:") && kind != "overflow" }
    public var isSilenced: Bool { silencedUntil != nil }
    /// Open, not silenced, and nobody has said "seen".
    public var needsAttention: Bool { isOpen && ack == nil && silencedUntil == nil }
    /// Raised already acknowledged: it took over an alert a person had acknowledged for the
    /// same cause (a lost job's death, now its failure). Not news: no notification fires for it.
    public var seenBeforeRaised: Bool { ack.map { $0.at < firstAt } ?? false }
    /// The rule that raised it: `stalled` for `rule:stalled`, else the kind itself.
    public var ruleName: String { kind.hasPrefix("rule:") ? String(kind.dropFirst(5)) : kind }
    /// How a person wants alerts listed: open before resolved, unacknowledged before
    /// acknowledged, most severe first, newest first.
    public static func listedBefore(_ a: Alert, _ b: Alert) -> Bool {
        if a.isOpen != b.isOpen { return a.isOpen }
        if (a.ack == nil) != (b.ack == nil) { return a.ack == nil }
        if a.severity != b.severity { return a.severity > b.severity }
        if a.lastAt != b.lastAt { return a.lastAt > b.lastAt }
        return a.id < b.id
    }

    public var fingerprint: String { Alert.fingerprint(job: job, phase: phase, kind: kind) }

    public static func fingerprint(job: String, phase: String?, kind: String) -> String {
        "\(job)/\(phase ?? "-")/\(kind)"
    }
}
