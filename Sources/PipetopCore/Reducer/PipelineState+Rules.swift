/// The alert rules run over the state (rules and their states are `AlertRules`).
extension PipelineState {
    /// Installs the rules from the configuration (the engine does this at start).
    public mutating func configureRules(_ configured: [Rule], off: Set<String>) {
        alertRules.configure(rules: configured, off: off)
    }

    /// Installs the pipelines' promises (`[[sla]]`); runs already going keep their deadline.
    public mutating func configureServiceLevels(_ levels: [ServiceLevel], at now: Double) {
        alertRules.configure(serviceLevels: levels, at: now)
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
            if let v = MetricValues.host(rule.metric, host) { step(rule, job: "host", phase: nil, value: v, at: t, seen: &seen) }
        }
        let globalJob = global.filter { $0.metric.scope == .job }, globalPhase = global.filter { $0.metric.scope == .phase }
        for id in order {
            guard let job = jobs[id] else { continue }
            let own = alertRules.declared[id] ?? []
            // By index, here and below: a copy of a Rule per look was a good part of the cost.
            for k in own.indices where own[k].metric.scope == .host && own[k].enabled && (off.isEmpty || !off.contains(own[k].name)) {
                if let v = MetricValues.host(own[k].metric, host) { step(own[k], job: "host", phase: nil, value: v, at: t, seen: &seen) }
            }
            guard !job.state.isTerminal else { continue }
            let jt = job.ownTime(t)  // the job's own clock, as its events' ts are
            let est = estimates[job: id]
            // Inhibited rules (a failed or lost job) are not looked at: their alerts resolve below.
            let inhibited = job.lostAt != nil
            for k in globalJob.indices where globalJob[k].applies(to: job) && !(globalJob[k].inhibitedByFailure && inhibited) {
                if let v = MetricValues.job(globalJob[k], job, est, host: host, now: jt) { step(globalJob[k], job: id, phase: nil, value: v, at: t, seen: &seen) }
            }
            var ownPhase: [Int] = []
            for k in own.indices where own[k].metric.scope != .host && own[k].enabled && (off.isEmpty || !off.contains(own[k].name)) && (own[k].match.isEmpty || own[k].applies(to: job))
                && !(own[k].inhibitedByFailure && inhibited) {
                if own[k].metric.scope == .phase { ownPhase.append(k); continue }
                if let v = MetricValues.job(own[k], job, est, host: host, now: jt) { step(own[k], job: id, phase: nil, value: v, at: t, seen: &seen) }
            }
            let phaseRules = globalPhase.indices.filter { globalPhase[$0].applies(to: job) && !(globalPhase[$0].inhibitedByFailure && inhibited) }
            guard !phaseRules.isEmpty || !ownPhase.isEmpty else { continue }
            // Each running phase read once for all the rules on it (rule by rule, a phase was
            // copied once per rule: 1,000 jobs x 20 phases x 32 rules took 11% of a core).
            let past = pastRuns(pipeline: RunSummary.pipeline(of: job))
            for p in job.phases where p.state == .running {
                let w = est.rate(p.id)
                for k in phaseRules {
                    if let v = MetricValues.phase(globalPhase[k].metric, p, w, job: job, past: past, now: jt) {
                        step(globalPhase[k], job: id, phase: p.id, value: v, at: t, seen: &seen)
                    }
                }
                for k in ownPhase {
                    if let v = MetricValues.phase(own[k].metric, p, w, job: job, past: past, now: jt) { step(own[k], job: id, phase: p.id, value: v, at: t, seen: &seen) }
                }
            }
        }
        // Subjects no longer measured (phase ended, job finished or inhibited, rule removed):
        // their alerts resolve, unless flapping keeps them open until calm.
        let sticky = Set(alertRules.rules.lazy.filter(\.keepUntilAcknowledged).map(\.name))
        for (key, st) in alertRules.states where !seen.contains(key) {
            // Kept open until acknowledged: looked at again each time until someone has.
            if sticky.contains(key.rule), !settled(key) { continue }
            if st.firing || st.flapping { alerts.resolve(job: key.job, phase: key.phase, kind: "rule:" + key.rule, at: t) }
            alertRules.states[key] = nil
        }
        evaluateDeadlines(now: t)
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
                    // The job's labels reach the alert (and its notifications); the rule's win.
                    let labels = jobs[job].map { $0.labels.merging(rule.labels) { _, own in own } } ?? rule.labels
                    alerts.raise(job: job, phase: phase, kind: rule.kind, severity: rule.severity,
                                 message: message, labels: labels, at: t)
                }
            } else {
                st.pendingSince = nil
            }
        } else if !rule.op.holds(value, rule.clear) {
            st.firing = false
            st.changes.append(t)
            if st.changes.count > AlertRules.flapLimit { st.flapping = true }
            if !st.flapping && (!rule.keepUntilAcknowledged || settled(key)) { alerts.resolve(job: job, phase: phase, kind: rule.kind, at: t) }
        }
        // A kept alert whose cause is gone resolves once acknowledged.
        if rule.keepUntilAcknowledged && !st.firing && !st.flapping && settled(key), alerts.open(job: job, phase: phase, kind: rule.kind) != nil {
            alerts.resolve(job: job, phase: phase, kind: rule.kind, at: t)
        }
        // Flapping ends after a calm window; then a cleared condition resolves at last.
        if st.flapping && (st.changes.last ?? t) < t - AlertRules.flapWindow / 2 {
            st.flapping = false
            if !st.firing { alerts.resolve(job: job, phase: phase, kind: rule.kind, at: t) }
        }
        alertRules.states[key] = st
    }

    /// Whether the alert of `key` may resolve: none is open, or someone acknowledged it.
    private func settled(_ key: RuleKey) -> Bool {
        alerts.open(job: key.job, phase: key.phase, kind: "rule:" + key.rule).map { $0.ack != nil } ?? true
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
