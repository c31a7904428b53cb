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
    /// Event-driven built-ins (raised by the reducer), switchable off too.
    public static let eventKinds = ["phase-failed", "job-failed", "error-log"]

    public func isOn(_ name: String) -> Bool { !off.contains(name) }

    /// Replaces the configured rules (built-ins stay unless switched off; job rules stay).
    public mutating func configure(rules configured: [Rule], off: Set<String>) {
        self.off = off
        global = Self.builtins.map { var r = $0; r.enabled = !off.contains(r.name); return r } + configured
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

extension PipelineState {
    /// Installs the rules from the configuration (the engine does this at start).
    public mutating func configureRules(_ configured: [Rule], off: Set<String>) {
        alertRules.configure(rules: configured, off: off)
    }

    /// Evaluates every rule against the state at `now`: conditions start pending, fire after
    /// their `for`, clear past their clear threshold; subjects that went away resolve. Silences
    /// are applied to the open alerts. The engine calls this about once a second.
    ///
    /// Built-in and configured rules look at every unfinished job; a rule a job declared looks
    /// at that job alone (3,000 jobs with 3 rules each once cost 27 million checks a second).
    /// Job by job: each job is looked up once for all the rules on it. A condition that does not hold where it never held leaves
    /// nothing behind (`step`).
    public mutating func evaluateRules(now t: Double) {
        var seen = Set<RuleKey>()
        let off = alertRules.off
        func active(_ r: Rule) -> Bool { r.enabled && (off.isEmpty || !off.contains(r.name)) }
        let global = alertRules.global.filter(active)
        for rule in global where rule.metric.scope == .host {
            if let v = MetricValues.host(rule.metric, self) { step(rule, job: "host", phase: nil, value: v, at: t, seen: &seen) }
        }
        let globalJob = global.filter { $0.metric.scope == .job }, globalPhase = global.filter { $0.metric.scope == .phase }
        for id in order {
            guard let job = jobs[id] else { continue }
            let own = alertRules.declared[id] ?? []
            // By index, here and below: a copy of a Rule per look was a good part of the cost.
            for k in own.indices where own[k].metric.scope == .host && own[k].enabled && (off.isEmpty || !off.contains(own[k].name)) {
                if let v = MetricValues.host(own[k].metric, self) { step(own[k], job: "host", phase: nil, value: v, at: t, seen: &seen) }
            }
            guard !job.state.isTerminal else { continue }
            let jt = job.ownTime(t)  // the job's own clock, as its events' ts are
            // Inhibited rules (a failed or lost job) are not looked at: their alerts resolve below.
            let inhibited = job.lostAt != nil
            for k in globalJob.indices where globalJob[k].applies(to: job) && !(globalJob[k].inhibitedByFailure && inhibited) {
                if let v = MetricValues.job(globalJob[k], job, state: self, now: jt) { step(globalJob[k], job: id, phase: nil, value: v, at: t, seen: &seen) }
            }
            var ownPhase: [Int] = []
            for k in own.indices where own[k].metric.scope != .host && own[k].enabled && (off.isEmpty || !off.contains(own[k].name)) && (own[k].match.isEmpty || own[k].applies(to: job))
                && !(own[k].inhibitedByFailure && inhibited) {
                if own[k].metric.scope == .phase { ownPhase.append(k); continue }
                if let v = MetricValues.job(own[k], job, state: self, now: jt) { step(own[k], job: id, phase: nil, value: v, at: t, seen: &seen) }
            }
            let phaseRules = globalPhase.indices.filter { globalPhase[$0].applies(to: job) && !(globalPhase[$0].inhibitedByFailure && inhibited) }
            guard !phaseRules.isEmpty || !ownPhase.isEmpty else { continue }
            // Each running phase read once for all the rules on it (rule by rule, a phase was
            // copied once per rule: 1,000 jobs x 20 phases x 32 rules took 11% of a core).
            for p in job.phases where p.state == .running {
                for k in phaseRules {
                    if let v = MetricValues.phase(globalPhase[k].metric, p, job: job, state: self, now: jt) {
                        step(globalPhase[k], job: id, phase: p.id, value: v, at: t, seen: &seen)
                    }
                }
                for k in ownPhase {
                    if let v = MetricValues.phase(own[k].metric, p, job: job, state: self, now: jt) { step(own[k], job: id, phase: p.id, value: v, at: t, seen: &seen) }
                }
            }
        }
        // Subjects no longer measured (phase ended, job finished or inhibited, rule removed):
        // their alerts resolve, unless flapping keeps them open until calm.
        for (key, st) in alertRules.states where !seen.contains(key) {
            if st.firing || st.flapping { alerts.resolve(job: key.job, phase: key.phase, kind: "rule:" + key.rule, at: t) }
            alertRules.states[key] = nil
        }
        applySilences(at: t)
    }

    private mutating func step(_ rule: Rule, job: String, phase: String?, value: Double, at t: Double, seen: inout Set<RuleKey>) {
        let key = RuleKey(rule: rule.name, job: job, phase: phase)
        // The common case at scale: a condition that does not hold where it never held. Nothing
        // to remember; no entry made (10,000 jobs x 32 rules made 320,000 of them each second).
        guard let known = alertRules.states[key] ?? (rule.op.holds(value, rule.value) ? RuleState() : nil) else { return }
        seen.insert(key)
        var st = known
        st.lastValue = value
        st.changes.removeAll { $0 < t - AlertRules.flapWindow }
        if !st.firing {
            if rule.op.holds(value, rule.value) {
                let since = st.pendingSince ?? t
                st.pendingSince = since
                if t - since >= rule.forSeconds {
                    st.firing = true
                    st.pendingSince = nil
                    st.changes.append(t)
                    if st.changes.count > AlertRules.flapLimit { st.flapping = true }
                    var message = Self.describe(rule, value: value, flapping: st.flapping ? st.changes.count : nil)
                    // A lost job's alert says what was seen.
                    if case .lost = rule.metric, let j = jobs[job], let pid = j.pid, let gone = j.pidGoneAt {
                        message = Self.goneMessage(pid: pid, goneAt: gone, lastReport: j.updatedAt, engineStart: false)
                    }
                    alerts.raise(job: job, phase: phase, kind: rule.kind, severity: rule.severity,
                                 message: message, labels: rule.labels, at: t)
                }
            } else {
                st.pendingSince = nil
            }
        } else if !rule.op.holds(value, rule.clear) {
            st.firing = false
            st.changes.append(t)
            if st.changes.count > AlertRules.flapLimit { st.flapping = true }
            if !st.flapping { alerts.resolve(job: job, phase: phase, kind: rule.kind, at: t) }
        }
        // Flapping ends after a calm window; then a cleared condition resolves at last.
        if st.flapping && (st.changes.last ?? t) < t - AlertRules.flapWindow / 2 {
            st.flapping = false
            if !st.firing { alerts.resolve(job: job, phase: phase, kind: rule.kind, at: t) }
        }
        alertRules.states[key] = st
    }

    static func describe(_ rule: Rule, value: Double, flapping: Int?) -> String {
        let now = "\(rule.metric) = \(MetricValues.format(value, rule.metric))"
        let what = rule.message ?? "\(rule.name): \(rule.metric) \(rule.op.rawValue) \(MetricValues.format(rule.value, rule.metric))"
        if let n = flapping { return "\(rule.name) flapping: \(n) changes in \(Int(AlertRules.flapWindow / 60))m (\(now))" }
        return rule.message == nil ? "\(what), now \(MetricValues.format(value, rule.metric))" : "\(what) (\(now))"
    }

    /// The job id of alerts about pipetop itself.
    public static let ownJob = Board.ownJob
    /// pipetop's own alert while its database cannot be written (dashboards show it as a banner).
    public static let notSavedKind = Board.notSavedKind

    /// The open not-saved alert, if any: what every dashboard's banner says.
    public var notSavedAlert: Alert? {
        alerts.all.last { $0.isOpen && $0.job == Self.ownJob && $0.kind == Self.notSavedKind }
    }

    /// Raises an alert about pipetop itself (not about a job).
    public mutating func raiseOwnAlert(kind: String, severity: Alert.Severity, message: String, at t: Double) {
        alerts.raise(job: Self.ownJob, phase: nil, kind: kind, severity: severity, message: message, at: t)
    }

    /// Resolves pipetop's own alert of this kind (what it was about works again).
    public mutating func resolveOwnAlert(kind: String, at t: Double) {
        alerts.resolve(job: Self.ownJob, kind: kind, at: t)
    }

    /// Marks open alerts muted by a silence, unmarks the rest; drops expired silences.
    mutating func applySilences(at t: Double) {
        alertRules.silences.removeAll { $0.until <= t }
        alerts.mute { alert in
            let labels = jobs[alert.job]?.labels ?? [:]
            return alertRules.silences.first { $0.mutes(alert, jobLabels: labels, at: t) }?.until
        }
    }
}
