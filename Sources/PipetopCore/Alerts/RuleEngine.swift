/// The rules in force, where each stands for each job and phase, and the silences.
public struct AlertRules: Sendable, Codable, Equatable {
    /// Built-in and configured rules.
    public internal(set) var global: [Rule] = AlertRules.builtins
    /// Rules jobs declared for themselves, by job id, each job's in the order declared: kept
    /// apart so that declaring, forgetting and evaluating them costs that job's rules, not
    /// every rule of every job (10,000 jobs may declare 32 each).
    public internal(set) var declared: [String: [Rule]] = [:]
    /// Names of built-in checks switched off (threshold rules and the event-driven ones:
    /// `phase-failed`, `job-failed`, `error-log`).
    public internal(set) var off: Set<String> = []
    /// Per rule, job and phase: only subjects whose condition has held at some point (one
    /// that never held has nothing to remember, and costs no entry).
    public internal(set) var states: [RuleKey: RuleState] = [:]
    public internal(set) var silences: [Silence] = []
    /// Configured promises of pipelines (`[[sla]]`).
    public internal(set) var serviceLevels: [ServiceLevel] = []
    /// Per pipeline with an `every`, since when a run has been expected (when it was first
    /// configured): a pipeline that never ran at all is missed from there.
    public internal(set) var awaited: [String: Double] = [:]
    /// Per job, since when its estimate has said it may miss its deadline (not kept across
    /// restarts: it is seen again within seconds).
    var riskSince: [String: Double] = [:]

    /// More changes than this within `flapWindow` make an alert "flapping": it stays open as
    /// one alert instead of firing and resolving again and again.
    public static let flapLimit = 6
    public static let flapWindow = 600.0
    /// Rules a job may declare for itself.
    public static let maxJobRules = 32
    public static let maxSilences = 500

    public init() {}

    /// Every rule: built-in and configured, then those jobs declared (by job id).
    public var rules: [Rule] { global + declared.keys.sorted().flatMap { declared[$0]! } }

    /// The checks every pipeline gets, each switchable off by name (docs/ALERTS.md).
    public static let builtins: [Rule] = [
        Rule(name: "stalled", metric: .stalled, op: .above, value: 0, forSeconds: 30, severity: .warning,
             inhibitedByFailure: true, builtin: true, message: "no progress for longer than its usual gaps"),
        Rule(name: "error-rate", metric: .errorRate, op: .above, value: 10, clear: 5, forSeconds: 60, severity: .warning,
             window: 300, builtin: true, message: "more than 10% of items failing"),
        Rule(name: "slow", metric: .p95Share, op: .above, value: 100, forSeconds: 0, severity: .warning,
             inhibitedByFailure: true, builtin: true, message: "running past its p95 of past runs"),
        Rule(name: "eta-slip", metric: .etaSlip, op: .above, value: 50, clear: 25, forSeconds: 120, severity: .info,
             inhibitedByFailure: true, builtin: true, message: "finish estimate slipped by more than half since the phase began"),
        Rule(name: "memory", metric: .rssShare, op: .above, value: 90, clear: 80, forSeconds: 15, severity: .critical,
             builtin: true, message: "using more than 90% of the host's memory"),
        Rule(name: "host-memory", metric: .hostMemory, op: .above, value: 95, clear: 90, forSeconds: 60, severity: .warning,
             builtin: true, message: "host memory above 95%"),
        Rule(name: "lost", metric: .lost, op: .above, value: 0, forSeconds: 0, severity: .critical,
             builtin: true, message: "its process ended without job.end"),  // the alert says which and when
    ]
    /// Built-ins that are not thresholds: raised by the reducer on events (a failed phase, an
    /// error line) or by the deadline checks; switchable off too.
    public static let eventKinds = ["phase-failed", "job-failed", "error-log"] + deadlineKinds
    /// The deadline checks (`PipelineState+Deadlines`): a run likely to miss its deadline,
    /// one that missed it, a pipeline whose run did not start.
    public static let deadlineKinds = ["deadline-risk", "deadline-missed", "not-started"]

    public func isOn(_ name: String) -> Bool { !off.contains(name) }

    /// Replaces the configured rules (built-ins stay unless switched off; job rules stay).
    public mutating func configure(rules configured: [Rule], off: Set<String>) {
        self.off = off
        global = Self.builtins.map { var r = $0; r.enabled = !off.contains(r.name); return r } + configured
    }

    /// Installs the pipelines' promises; a pipeline newly expected on a schedule is expected
    /// from `now`.
    public mutating func configure(serviceLevels levels: [ServiceLevel], at now: Double) {
        serviceLevels = levels
        let scheduled = Set(levels.filter { $0.every != nil }.map(\.pipeline))
        awaited = awaited.filter { scheduled.contains($0.key) }
        for p in scheduled where awaited[p] == nil { awaited[p] = now }
    }

    /// Why `job` may not declare `new` (after forgetting its rules first when `fresh`): more
    /// than `maxJobRules` in all. Checked before anything changes.
    func refusal(declaring new: [Rule], job: String, fresh: Bool) -> ApplyError? {
        var names = fresh ? [] : (declared[job] ?? []).map(\.name)
        for r in new where !names.contains(r.name) {
            guard names.count < Self.maxJobRules else {
                return ApplyError("job '\(job)' already has \(Self.maxJobRules) rules; rule '\(r.name)' refused")
            }
            names.append(r.name)
        }
        return nil
    }

    /// Adds or replaces a rule a job declared for itself.
    mutating func declare(_ rule: Rule, job: String) throws(ApplyError) {
        if let why = refusal(declaring: [rule], job: job, fresh: false) { throw why }
        var r = rule
        r.job = job
        r.declaredByJob = true
        if let i = declared[job]?.firstIndex(where: { $0.name == r.name }) {
            declared[job]![i] = r
        } else {
            declared[job, default: []].append(r)
        }
    }

    /// Forgets the rules a job declared (its new run declares them again).
    mutating func forgetJobRules(_ job: String) { declared[job] = nil }
}

/// Where one rule stands for one subject (a job, a phase, or the host).
public struct RuleState: Sendable, Codable, Equatable {
    /// Since when the condition has held, while `for` runs.
    public var pendingSince: Double?
    public var firing = false
    /// Times it fired or cleared recently (for flapping).
    public var changes: [Double] = []
    public var flapping = false
    public var lastValue: Double?

}

/// Mutes alerts that match for a while: by rule, by job, or by job labels.
public struct Silence: Sendable, Codable, Equatable, Identifiable {
    public var id: String
    public var rule: String?
    public var job: String?
    public var match: [String: String]
    public var until: Double
    public var by: String
    public var comment: String?
    public var createdAt: Double

    public init(id: String, rule: String?, job: String?, match: [String: String], until: Double, by: String, comment: String?, createdAt: Double) {
        self.id = id; self.rule = rule; self.job = job; self.match = match; self.until = until; self.by = by; self.comment = comment
        self.createdAt = createdAt
    }

    public func mutes(_ alert: Alert, jobLabels: [String: String], at t: Double) -> Bool {
        guard t < until else { return false }
        if let rule, rule != alert.ruleName { return false }
        if let job, job != alert.job { return false }
        return match.allSatisfy { jobLabels[$0.key] == $0.value }
    }
}
