/// The one way in: every change to `PipelineState` is an event applied here.
///
/// Rules, in short (docs/PROTOCOL.md has the full list):
/// - `job.start` creates a job; for an unfinished job it resumes it (phases merged, counts
///   kept); for a finished job it starts a new run under the same id.
/// - Phases may appear after `job.start` (dynamic pipelines): `phase.start`, `progress` and
///   `step` create a phase they do not know.
/// - A finished job (completed, canceled, failed) refuses further phase events.
/// - `job.state` and `job.end` follow `JobState.successors`.
extension PipelineState {
    /// Applies `event` at time `now` (the engine's clock); the event's own `ts` wins when given.
    /// On error the state is unchanged.
    public mutating func apply(_ event: Event, now: Double) throws(ApplyError) {
        let t = event.plausibleTS ?? now
        switch event.body {
        case .jobStart(let start):
            try startJob(event.job, start, at: t)
            jobs[event.job]?.noteClock(of: event, arrival: now)
            return
        case .silence(let s):
            try silence(s, job: event.job, at: t)
            return
        case .clearAlerts(let one):
            guard event.job == Event.anyJob || jobs[event.job] != nil || one != nil else {
                throw ApplyError("unknown job '\(event.job)' (use \"*\" for every job)")
            }
            if let one {
                guard let a = alerts[one], event.job == Event.anyJob || a.job == event.job else {
                    throw ApplyError("no alert '\(one)' for job '\(event.job)'")
                }
                try alerts.clear(id: one, at: t)
                return
            }
            alerts.clearResolved(job: event.job == Event.anyJob ? nil : event.job)
            return
        case .forgetJob:
            guard let job = jobs[event.job] else { throw ApplyError("unknown job '\(event.job)'") }
            guard job.state.isTerminal else {
                throw ApplyError("job '\(event.job)' is \(job.state.rawValue); only a finished job can be forgotten (end it first)")
            }
            // Its alerts go with it; its runs stay in the history.
            alerts.resolve(job: event.job, at: t)
            _ = alerts.clearResolved(job: event.job)
            jobs[event.job] = nil
            estimates.jobs[event.job] = nil
            alertRules.forgetJobRules(event.job)
            order.removeAll { $0 == event.job }
            return
        case .alertRecord(let a):
            alerts.record(a)
            // The rule that raised it stands where the alert says (firing while it is open), so
            // that evaluating it again goes on from there instead of raising it anew.
            if a.kind.hasPrefix("rule:") {
                let key = RuleKey(rule: a.ruleName, job: a.job, phase: a.phase)
                var st = alertRules.states[key] ?? RuleState()
                st.firing = a.isOpen
                st.pendingSince = nil
                alertRules.states[key] = st
            }
            return
        default:
            break
        }
        if try appliedInPlace(event, now: now) { return }
        guard var job = jobs[event.job] else {
            throw ApplyError("unknown job '\(event.job)': send job.start first")
        }
        if case .ack(let a) = event.body {
            guard let alert = alerts[a.alert], alert.job == event.job else {
                throw ApplyError("no alert '\(a.alert)' for job '\(event.job)'")
            }
            _ = alerts.acknowledge(id: alert.id, by: a.by, comment: a.comment, at: t)
            return
        }
        if case .rule(let rule) = event.body {
            try alertRules.declare(rule, job: job.id)
            return
        }
        // The job reports: a verdict the engine made without it (lost, or failed while no
        // engine ran) no longer holds. Worked out on a copy: a refused event changes nothing.
        var reopened: PipelineState?
        if event.body.isReport, job.lostAt != nil || (job.verdict != nil && job.state.isTerminal) {
            var copy = self
            copy.reopen(event.job, at: t)
            job = copy.jobs[event.job]!
            reopened = copy
        }
        let before = job
        // The job and the estimator's memory of it change together (or, on a refusal, neither).
        var est = (reopened ?? self).estimates[job: event.job]
        try Self.reduce(&job, &est, event.body, at: t)
        if let reopened { self = reopened }
        job.updatedAt = max(job.updatedAt, t)
        // How far the producer's clock is from the engine's: timed refreshes use the job's own.
        job.noteClock(of: event, arrival: now)
        if let id = event.body.phaseID, let i = job.phaseIndex(id), job.phases[i].state == .running,
           i >= before.phases.count || before.phases[i].state != .running {
            // A phase (re)starts: tell its rate what waits earlier runs showed.
            let gap = usualGap(pipeline: RunSummary.pipeline(of: job), phase: id)
            est.update(id, hint: i) { $0.rate.usualGap = gap }
        }
        if !job.state.isTerminal, job.state != .pending, t - (est.eta?.refreshedAt ?? -.infinity) >= ETATrack.refreshEvery {
            refreshEstimate(job, &est, now: t)
        }
        switch event.body {
        case .progress, .log, .phaseEnd:
            // Items and errors over time, for error-rate rules: a mark every few seconds.
            guard est.errorTrail?.isDue(at: t) ?? true else { break }
            var trail = est.errorTrail ?? ErrorTrail()
            trail.note(items: job.itemsWorked, errors: job.errorsSoFar, at: t)
            est.errorTrail = trail
        default:
            break
        }
        jobs[event.job] = job
        estimates.jobs[event.job] = est
        raiseAlerts(before: before, after: job, event: event.body, at: t)
        if job.state.isTerminal && !before.state.isTerminal {
            record(job, at: t)
            if job.state == .completed { resolveEarlierFailures(of: job, at: t) }
            liveJobs -= 1
            dropOldFinishedJobs()
        }
    }

    /// Most unfinished jobs one engine tracks: a `job.start` for another is refused until some
    /// end, so a runaway or hostile producer cannot grow the engine (and every viewer's
    /// snapshot) without bound.
    public static let maxLiveJobs = 10_000
    /// Finished jobs kept in the state (their runs stay in `history` and the database): past
    /// this, the ones that ended first are dropped from the state.
    public static let maxFinishedJobs = 1_000
    /// Pipelines whose past runs are kept in `history` (for estimates): past this, those whose
    /// last run ended first are forgotten.
    public static let maxPipelines = 1_000

    /// Drops the finished jobs that ended first once there are a tenth more than
    /// `maxFinishedJobs` (one scan per hundred or so endings, not one per ending).
    private mutating func dropOldFinishedJobs() {
        let finished = jobs.count - liveJobs
        guard finished > Self.maxFinishedJobs + Self.maxFinishedJobs / 10 else { return }
        let oldest = jobs.values.filter { $0.state.isTerminal }
            .map { ($0.endedAt ?? $0.updatedAt, $0.id) }
            .sorted { $0 < $1 }
            .prefix(finished - Self.maxFinishedJobs)
        for (_, id) in oldest {
            jobs[id] = nil
            estimates.jobs[id] = nil
            alertRules.forgetJobRules(id)
        }
        order.removeAll { jobs[$0] == nil }
    }

    /// The hot path: progress or a step in a running phase of a running job whose estimate and
    /// error marks are not due, applied where the job lives (no copy of the job, its phases or
    /// their steps). False when the event needs the general path (which copies, and may throw).
    private mutating func appliedInPlace(_ event: Event, now: Double) throws(ApplyError) -> Bool {
        let phase: String
        switch event.body {
        case .progress(let e): phase = e.phase
        case .step(let e): phase = e.phase
        default: return false
        }
        guard let slot = jobs.index(forKey: event.job), let estSlot = estimates.jobs.index(forKey: event.job) else { return false }
        let t = event.plausibleTS ?? now
        return try Self.inPlace(event, phase: phase, in: &jobs.values[slot], &estimates.jobs.values[estSlot], at: t, arrival: now)
    }

    private static func inPlace(_ event: Event, phase: String, in job: inout Job, _ est: inout JobEstimates, at t: Double,
                                arrival: Double) throws(ApplyError) -> Bool {
        let body = event.body
        guard job.state == .running, job.lostAt == nil, let i = job.phaseIndex(phase), job.phases[i].state == .running,
              t - (est.eta?.refreshedAt ?? -.infinity) < ETATrack.refreshEvery else { return false }
        switch body {
        case .progress(let e):
            guard !(est.errorTrail?.isDue(at: t) ?? true), !e.reset else { return false }
            try Self.refuseBackwards(e, job.phases[i])
            let done = try Self.newDone(e, from: job.phases[i].done)
            let c = job.phases[i].count(done: done, failed: e.failed, skipped: e.skipped, total: e.total)
            est.counted(phase, hint: i, worked: c.worked, total: c.total, fraction: c.fraction, since: c.start, activeTime: job.activeTime(t))
        case .step(let e):
            job.phases[i].steps.upsert(id: e.step, state: e.state, detail: e.detail, at: t)
        default:
            return false
        }
        job.updatedAt = max(job.updatedAt, t)
        job.noteClock(of: event, arrival: arrival)
        return true
    }

    /// Records a silence: of a rule, a job (unless `*`), or jobs whose labels match.
    private mutating func silence(_ s: Event.SilenceRequest, job: String, at t: Double) throws(ApplyError) {
        if let id = s.expire {
            guard let i = alertRules.silences.firstIndex(where: { $0.id == id && $0.until > t }) else {
                throw ApplyError("no silence '\(id)' in force (pipetop alerts lists them)")
            }
            alertRules.silences.remove(at: i)
            applySilences(at: t)
            return
        }
        guard job == Event.anyJob || jobs[job] != nil else { throw ApplyError("unknown job '\(job)' (use \"*\" for every job)") }
        guard s.seconds > 0 && s.seconds <= 30 * 86_400 else { throw ApplyError("silence for must be 1 s to 30 days, not \(s.seconds)") }
        if let r = s.rule, !alertRules.rules.contains(where: { $0.name == r }) && !AlertRules.eventKinds.contains(r) && !r.hasPrefix("event:") {
            throw ApplyError("no rule '\(r)' (rules: \((alertRules.rules.map(\.name) + AlertRules.eventKinds).sorted().joined(separator: ", ")))")
        }
        if job == Event.anyJob && s.rule == nil && s.match.isEmpty {
            throw ApplyError("a silence names a rule, a job, or labels to match; this one would mute everything")
        }
        var list = alertRules.silences
        list.removeAll { $0.until <= t }
        guard list.count < AlertRules.maxSilences else { throw ApplyError("already \(AlertRules.maxSilences) silences") }
        let id = "s\(Int(t * 1000) % 100_000_000)-\(list.count + 1)"
        list.append(Silence(id: id, rule: s.rule, job: job == Event.anyJob ? nil : job, match: s.match, until: t + s.seconds,
                            by: s.by, comment: s.comment, createdAt: t))
        alertRules.silences = list
        applySilences(at: t)
    }

    /// Alerts follow from what changed: a phase or job that failed, an error logged, an alert
    /// the job raised. A retried phase or a new run resolves what no longer holds.
    private mutating func raiseAlerts(before: Job, after job: Job, event: Event.Body, at t: Double) {
        switch event {
        case .log(let l) where l.level == .error && alertRules.isOn("error-log"):
            // After the job failed, its error lines (a traceback's tail) belong to the failure.
            if job.state == .failed, let failure = alerts.open(job: job.id, kind: "job-failed") {
                alerts.addDetail(id: failure.id, AlertBook.errorDetail(l.message, phase: l.phase), at: t)
            } else {
                alerts.raise(job: job.id, phase: l.phase, kind: "error-log", severity: .warning, message: LogLine.summary(of: l.message),
                             labels: job.labels, at: t)
            }
        case .alert(let a):
            let kind = "event:" + (a.name ?? a.message)
            if a.resolved {
                alerts.resolve(job: job.id, phase: a.phase, kind: kind, at: t)
            } else {
                alerts.raise(job: job.id, phase: a.phase, kind: kind, severity: a.severity, message: a.message,
                             labels: job.labels.merging(a.labels) { _, own in own }, context: a.context, at: t)
            }
        case .phaseStart(let p) where before.phase(p.phase)?.state == .failed:
            alerts.resolve(job: job.id, phase: p.phase, kind: "phase-failed", at: t)
        default:
            break
        }
        // Only phase.end fails a phase on its own (phases closed because the job ended are
        // covered by the job's alert), so only it is looked at: no scan of every phase per event.
        if case .phaseEnd(let e) = event, e.status == .failed, before.phase(e.phase)?.state != .failed, let p = job.phase(e.phase),
           alertRules.isOn("phase-failed") {
            alerts.raise(job: job.id, phase: p.id, kind: "phase-failed", severity: .critical,
                         message: "phase \(p.name) failed" + (p.error.map { ": \($0)" } ?? ""), labels: job.labels, at: t)
        }
        // A finished run's deadline is settled (its history says met or missed).
        if job.state.isTerminal && !before.state.isTerminal && job.deadline != nil {
            alerts.resolve(job: job.id, kind: "deadline-risk", at: t)
            alerts.resolve(job: job.id, kind: "deadline-missed", at: t)
            alertRules.riskSince[job.id] = nil
        }
        if job.state == .failed && before.state != .failed && alertRules.isOn("job-failed") {
            alerts.raise(job: job.id, phase: nil, kind: "job-failed", severity: .critical,
                         message: "job \(job.name) failed" + (job.error.map { ": \($0)" } ?? ""), labels: job.labels, at: t)
            // One failure, one alert: the failed phases and error lines become its details.
            if let failure = alerts.open(job: job.id, kind: "job-failed") {
                alerts.fold(job: job.id, kinds: ["phase-failed", "error-log"], into: failure.id, at: t)
                // A lost job's death was already alarmed: its failure is the same death.
                if before.lostAt != nil, let lost = alerts.open(job: job.id, kind: "rule:lost") {
                    alerts.foldDeath(lost.id, into: failure.id, at: t)
                }
            }
        }
    }

    /// A run of a pipeline completed: the failure alerts of its earlier finished runs are
    /// over (one-off jobs such as `pipetop run` get a new id each time, so this is what
    /// ends them besides `x`).
    private mutating func resolveEarlierFailures(of job: Job, at t: Double) {
        let pipeline = RunSummary.pipeline(of: job)
        for a in alerts.all where a.isOpen && a.kind == "job-failed" && a.job != job.id {
            guard let other = jobs[a.job], other.state.isTerminal, RunSummary.pipeline(of: other) == pipeline else { continue }
            alerts.resolve(job: a.job, kind: "job-failed", at: t)
        }
    }

    private mutating func startJob(_ id: String, _ start: Event.JobStart, at t: Double) throws(ApplyError) {
        guard id != Event.anyJob else { throw ApplyError("'*' means every job and cannot be a job's id") }
        guard start.rules.count <= AlertRules.maxJobRules else {
            throw ApplyError("a job may declare at most \(AlertRules.maxJobRules) rules, not \(start.rules.count)")
        }
        // A verdict the engine made without the job gives way: a lost job's reporter starts it
        // again, or the same process names itself again after the engine failed the job (a
        // reporter back after an engine restart): the job goes on.
        // (Worked out on a copy: a refused job.start changes nothing.)
        let judged = jobs[id].map { j in
            j.state.isTerminal ? j.verdict != nil && start.pid != nil && start.pid == j.pid : j.lostAt != nil
        } ?? false
        if judged {
            var resumed = self
            resumed.reopen(id, at: t)
            try resumed.startJobChecked(id, start, at: t)
            self = resumed
            return
        }
        try startJobChecked(id, start, at: t)
    }

    private mutating func startJobChecked(_ id: String, _ start: Event.JobStart, at t: Double) throws(ApplyError) {
        let isNewRun = jobs[id].map { $0.state.isTerminal } ?? true
        if isNewRun && liveJobs >= Self.maxLiveJobs {
            throw ApplyError("already \(Self.maxLiveJobs) unfinished jobs (the limit); job '\(id)' refused until some end")
        }
        // The phase limit holds for declarations too (five 56 KB job.start lines once made one
        // job of 40,000 phases); checked before anything changes.
        let phaseCount = Self.phasesAfterDeclaring(start.phases, in: isNewRun ? [] : jobs[id]!.phases)
        guard phaseCount <= Self.maxPhases else {
            throw ApplyError("job '\(id)' would have \(phaseCount) phases; a job may have at most \(Self.maxPhases)")
        }
        // Checked first, then changed in place (a copy of every job's rules per job.start made
        // declaring 10,000 jobs' rules quadratic).
        let fresh = jobs[id].map { $0.state.isTerminal } ?? true
        if let why = alertRules.refusal(declaring: start.rules, job: id, fresh: fresh) { throw why }
        if fresh { alertRules.forgetJobRules(id) }
        for r in start.rules { try alertRules.declare(r, job: id) }
        if var job = jobs[id], !job.state.isTerminal {
            // Resume: the producer restarted; keep what we know and merge the declaration.
            job.name = start.name
            if let pid = start.pid {
                if job.lostAt != nil { alerts.resolve(job: id, kind: "rule:lost", at: t) }
                job.pid = pid; job.lostAt = nil; job.pidGoneAt = nil; job.verdict = nil
            } else if start.unwatched {
                if job.lostAt != nil { alerts.resolve(job: id, kind: "rule:lost", at: t) }
                job.pid = nil; job.lostAt = nil; job.pidGoneAt = nil; job.verdict = nil; job.samplePid = nil
            }
            if let sp = start.samplePid { job.samplePid = sp }
            job.labels.merge(start.labels) { _, new in new }
            if start.deadline != nil || start.maxDuration != nil { job.deadline = Self.promise(of: start) }
            Self.declare(start.phases, in: &job)
            // Still queued if it says so again; any other job.start means it runs.
            if !start.queued { job.startRunning(at: t) }
            job.updatedAt = max(job.updatedAt, t)
            jobs[id] = job
            return
        }
        // A new run: what was wrong with the last one no longer holds, and the estimator and
        // the rules start afresh.
        if jobs[id] != nil { alerts.resolve(job: id, at: t) }
        estimates.jobs[id] = nil
        let run = (jobs[id]?.run ?? 0) + 1
        var job = Job(id: id, name: start.name, state: start.queued ? .pending : .running, labels: start.labels, pid: start.pid, run: run, at: t)
        if start.queued { job.queuedAt = t }
        job.samplePid = start.samplePid
        job.deadline = Self.promise(of: start) ?? alertRules.serviceLevels.first { $0.pipeline == RunSummary.pipeline(of: job) }?
            .deadline(forRunStartingAt: t)
        if let missed = Self.slaNamingOnlyTheID(of: job, in: alertRules.serviceLevels) { job.logs.append(LogLine(at: t, level: .warn, message: missed, phase: nil, category: nil)) }
        Self.declare(start.phases, in: &job)
        if jobs[id] == nil { order.append(id) }
        jobs[id] = job
        liveJobs += 1
    }

    /// Said in the job's log when an `[[sla]]` names the job's id but not its pipeline (its
    /// `pipeline` label, else its name), which is what an SLA holds: else the job would run
    /// with no deadline, and the SLA's `not-started` alert fire, with nothing to say why.
    static func slaNamingOnlyTheID(of job: Job, in levels: [ServiceLevel]) -> String? {
        let pipeline = RunSummary.pipeline(of: job)
        guard job.id != pipeline, levels.contains(where: { $0.pipeline == job.id }),
              !levels.contains(where: { $0.pipeline == pipeline }) else { return nil }
        return "pipetop: the [[sla]] for \(job.id) does not hold this job: an SLA holds a pipeline's runs, and this job's pipeline is "
            + (job.labels["pipeline"] != nil ? "its label pipeline=\(pipeline)" : "its name, \"\(pipeline)\" (it has no pipeline label)")
            + ", not its id; start it with the label pipeline=\(job.id) to hold it to that SLA"
    }

    /// The deadline a `job.start` declares itself (it wins over a configured `[[sla]]`).
    private static func promise(of start: Event.JobStart) -> Deadline? {
        guard start.deadline != nil || start.maxDuration != nil else { return nil }
        return Deadline(finishBy: start.deadline, maxDuration: start.maxDuration, source: "job.start")
    }

    /// Phases a job has once `decls` are merged into `existing` (repeated ids count once).
    private static func phasesAfterDeclaring(_ decls: [Event.PhaseDecl], in existing: [Phase]) -> Int {
        guard !decls.isEmpty else { return existing.count }
        var ids = Set(existing.lazy.map(\.id))
        for d in decls { ids.insert(d.id) }
        return ids.count
    }

    /// Merges declared phases into the job in one pass (a lookup per declaration, not a scan:
    /// the merge used to be quadratic under the engine-wide lock).
    private static func declare(_ decls: [Event.PhaseDecl], in job: inout Job) {
        guard !decls.isEmpty else { return }
        var index = [String: Int](minimumCapacity: job.phases.count + decls.count)
        for (i, p) in job.phases.enumerated() { index[p.id] = i }
        for d in decls {
            if let i = index[d.id] {
                if let n = d.name { job.phases[i].name = n }
            } else {
                index[d.id] = job.phases.count
                job.phases.append(Phase(id: d.id, name: d.name))
            }
        }
    }

    /// One event applied to one job and the estimator's memory of it.
    static func reduce(_ job: inout Job, _ est: inout JobEstimates, _ body: Event.Body, at t: Double) throws(ApplyError) {
        switch body {
        case .jobStart:
            preconditionFailure("handled by startJob")

        case .phaseStart(let e):
            try requireLive(job, "phase.start")
            let i = try phaseSlot(&job, e.phase)
            var p = job.phases[i]
            switch p.state {
            case .done, .skipped, .canceled:
                throw ApplyError("phase '\(e.phase)' already ended (\(p.state.rawValue)); it cannot start again")
            case .unknown:
                // Only from a newer engine's snapshot: what it was is not known here.
                throw ApplyError("phase '\(e.phase)' is in a state this engine does not know; it cannot start again")
            case .failed:
                p.retries += 1
                p.error = nil
                p.endedAt = nil
                p.startedAt = t
                p.activeStart = job.activeTime(t)
                p.activeEnd = nil
                est.reset(p.id)
            case .pending:
                p.startedAt = t
                p.activeStart = job.activeTime(t)
            case .running:
                break
            }
            p.state = .running
            if let n = e.name { p.name = n }
            if let total = e.total { p.total = total }
            if let u = e.unit { p.unit = u }
            if e.implicit && p.accounted == 0 && p.total == nil { p.implicit = true }
            if est.rate(p.id).samples.isEmpty {
                let (n, a, total) = (p.done &+ p.failed, job.activeTime(t), p.effectiveTotal)
                est.update(p.id, hint: i) { $0.rate.record(n, at: a, total: total) }
            }
            job.phases[i] = p
            dropImplicitPhase(&job, &est, for: e.phase)
            wake(&job, at: t)

        case .progress(let e):
            try requireLive(job, "progress")
            let i = try phaseSlot(&job, e.phase)
            var p = job.phases[i]
            if p.state.isFinished {
                throw ApplyError("phase '\(e.phase)' already ended (\(p.state.rawValue)); progress after phase.end is refused")
            }
            if p.state == .pending { startImplicitly(&p, &est, in: job, at: t) }
            if e.reset {
                // A count that starts again: the rate learnt from the old one no longer holds.
                est.reset(p.id)
            } else {
                try Self.refuseBackwards(e, p)
            }
            let done = try Self.newDone(e, from: p.done)
            let c = p.count(done: done, failed: e.failed, skipped: e.skipped, total: e.total)
            est.counted(p.id, hint: i, worked: c.worked, total: c.total, fraction: c.fraction, since: c.start, activeTime: job.activeTime(t))
            job.phases[i] = p
            dropImplicitPhase(&job, &est, for: e.phase)
            wake(&job, at: t)

        case .step(let e):
            try requireLive(job, "step")
            // `canceled` is the engine's word for a step its job's cancel stopped.
            guard e.state != .canceled else { throw ApplyError("step state must be running, done or failed, not canceled") }
            let i = try phaseSlot(&job, e.phase)
            if job.phases[i].state == .pending { startImplicitly(&job.phases[i], &est, in: job, at: t) }
            job.phases[i].steps.upsert(id: e.step, state: e.state, detail: e.detail, at: t)
            dropImplicitPhase(&job, &est, for: e.phase)
            wake(&job, at: t)

        case .phaseEnd(let e):
            try requireLive(job, "phase.end")
            // `canceled` is the engine's word for a phase its job's cancel stopped, not a job's.
            guard e.status.isFinished, e.status != .canceled else {
                throw ApplyError("phase.end status must be done, failed or skipped, not \(e.status.rawValue)")
            }
            let i = try phaseSlot(&job, e.phase)
            var p = job.phases[i]
            if p.state.isFinished {
                if p.state == e.status { return }  // a repeated phase.end is harmless
                throw ApplyError("phase '\(e.phase)' already ended (\(p.state.rawValue)); it cannot end again as \(e.status.rawValue)")
            }
            p.steps.closeRunning(as: e.status == .done ? .done : .failed, detail: "still running when its phase ended \(e.status.rawValue)", at: t)
            p.state = e.status
            p.endedAt = t
            p.activeEnd = job.activeTime(t)
            // A phase skipped before it ran has no duration; one that ends unstarted otherwise took no time.
            if p.startedAt == nil && e.status != .skipped { p.startedAt = t; p.activeStart = job.activeTime(t) }
            if e.status == .done, let start = p.activeStart, est.phase(p.id) != nil {
                let e = job.activeTime(t) - start
                est.update(p.id, hint: i) { $0.finishCurve(activeElapsed: e) }
            }
            if let err = e.error { p.error = err }
            job.phases[i] = p

        case .checkpoint(let e):
            let done = job.phases.reduce(0) { $0 &+ $1.done }
            let failed = job.phases.reduce(0) { $0 &+ $1.failed }
            job.checkpoints.append(CheckpointRecord(name: e.name, at: t, phase: e.phase, done: done, failed: failed, data: e.data))
            if job.checkpoints.count > Job.maxCheckpoints { job.checkpoints.removeFirst(job.checkpoints.count - Job.maxCheckpoints) }

        case .log(let e):
            // A multi-line message (a traceback) is kept as lines, each shown as it was printed.
            for line in LogLine.lines(of: e.message) {
                job.logs.append(LogLine(at: t, level: e.level, message: line, phase: e.phase, category: e.category))
            }
            if job.logs.count > Job.maxLogLines { job.logs.removeFirst(job.logs.count - Job.maxLogLines) }
            if e.level == .error {
                job.errorCount += 1
                if let ph = e.phase, let i = job.phaseIndex(ph) { job.phases[i].errorCount += 1 }
            }
            if e.level == .warn || (e.level == .error && e.category != nil) {
                var tally = job.tally ?? LogTally()
                tally.count(warning: e.level == .warn, category: e.category)
                job.tally = tally
            }

        case .artifact(let e):
            var list = job.artifacts ?? []
            // The same name in the same phase is the same artifact, told again (a new size).
            if let i = list.firstIndex(where: { $0.name == e.name && $0.phase == e.phase }) {
                list[i] = ArtifactRecord(name: e.name, location: e.location ?? list[i].location, size: e.size ?? list[i].size, phase: e.phase, at: t)
            } else {
                guard list.count < Job.maxArtifacts else { throw ApplyError("job '\(job.id)' already lists \(Job.maxArtifacts) artifacts; '\(e.name)' refused") }
                list.append(ArtifactRecord(name: e.name, location: e.location, size: e.size, phase: e.phase, at: t))
            }
            job.artifacts = list

        case .metric(let e):
            if let i = job.metrics.firstIndex(where: { $0.name == e.name && $0.phase == e.phase }) {
                job.metrics[i].note(e.value, kind: e.kind, at: t)
            } else if job.metrics.count < Job.maxMetrics {
                job.metrics.append(MetricRecord(name: e.name, phase: e.phase, kind: e.kind, value: e.value, at: t))
            } else {
                throw ApplyError("job '\(job.id)' already has \(Job.maxMetrics) metrics; metric '\(e.name)' refused")
            }

        case .jobState(let next):
            try move(&job, &est, to: next, at: t)

        case .alert, .ack, .rule, .silence, .clearAlerts, .forgetJob, .alertRecord:
            break  // alerts and rules live beside the jobs; see PipelineState.apply

        case .jobEnd(let e):
            guard e.status.isTerminal else {
                throw ApplyError("job.end status must be completed, failed or canceled, not \(e.status.rawValue)")
            }
            let running = job.phases.filter { $0.state == .running }.map(\.id)
            if job.state.canMove(to: e.status), let totals = e.totals { job.settle(totals, at: t) }
            // The engine's verdict ends the job when its process was last seen, not when the
            // engine judged (an engine restarted minutes later): its duration goes to history.
            try move(&job, &est, to: e.status, at: e.byEngine ? job.lastSeen(before: t) : t)
            if let err = e.error { job.error = err }
            job.verdict = e.byEngine ? EngineVerdict(at: t, closedPhases: running) : nil
        }
    }

    /// Changes the job's state if the transition is legal. Entering a terminal state closes
    /// the phases left running; pending phases of a completed job become skipped, those of a
    /// failed or canceled job stay pending (they never ran).
    static func move(_ job: inout Job, _ est: inout JobEstimates, to next: JobState, at t: Double) throws(ApplyError) {
        if job.state == next { return }
        guard job.state.canMove(to: next) else {
            let allowed = job.state.successors.map(\.rawValue).sorted().joined(separator: ", ")
            throw ApplyError("illegal transition \(job.state.rawValue) → \(next.rawValue) for job '\(job.id)'"
                + (allowed.isEmpty ? " (the job has finished)" : " (allowed: \(allowed))"))
        }
        // Time in `paused` is not work: the job's active clock stops (see Job.activeTime).
        if next == .paused {
            var pause = job.pause ?? PauseRecord()
            pause.since = t
            job.pause = pause
        } else if job.state == .paused, var pause = job.pause, let since = pause.since {
            pause.total += max(0, t - since)
            pause.since = nil
            job.pause = pause
        }
        if next == .running { job.startRunning(at: t) }
        job.state = next
        if next.isTerminal {
            job.endedAt = t
            for i in job.phases.indices {
                // Steps still going end with their job: it will not report them any more. A
                // canceled job's were stopped, as its phases were, not failed.
                job.phases[i].steps.closeRunning(as: next == .completed ? .done : next == .canceled ? .canceled : .failed,
                                                 detail: "still running when the job \(next.rawValue)", at: t)
                switch job.phases[i].state {
                case .running:
                    // A canceled job's running phases were stopped, not failed (no red strip).
                    job.phases[i].state = next == .completed ? .done : next == .canceled ? .canceled : .failed
                    job.phases[i].endedAt = t
                    job.phases[i].activeEnd = job.activeTime(t)
                    if next == .completed, let start = job.phases[i].activeStart, est.phase(job.phases[i].id) != nil {
                        let e = job.activeTime(t) - start
                        est.update(job.phases[i].id, hint: i) { $0.finishCurve(activeElapsed: e) }
                    }
                    if next == .failed && job.phases[i].error == nil { job.phases[i].error = "job failed" }
                case .pending where next == .completed:
                    // The job finished without them: they were not needed.
                    job.phases[i].state = .skipped
                default:
                    break
                }
            }
        }
    }

    private static func requireLive(_ job: Job, _ what: String) throws(ApplyError) {
        if job.state.isTerminal {
            throw ApplyError("job '\(job.id)' is \(job.state.rawValue); \(what) refused (send job.start to begin a new run)")
        }
    }

    /// The count a progress event leaves: its `done`, or the current one moved by `inc`.
    /// Absolute counts below the phase's: most likely two producers on one job id, each
    /// with its own count. Refused, naming the count, unless the event says `reset`.
    /// (On every progress event: compared field by field, no list built.)
    private static func refuseBackwards(_ e: Event.Progress, _ p: Phase) throws(ApplyError) {
        func refuse(_ name: String, _ new: Int, _ now: Int) -> ApplyError {
            ApplyError("\(name) \(new) is below phase '\(p.id)''s \(name) \(now): counts do not go backwards (two producers on one job id?); send \"reset\":true to start the count again")
        }
        if let n = e.done, e.inc == nil, n < p.done { throw refuse("done", n, p.done) }
        if let n = e.failed, n < p.failed { throw refuse("failed", n, p.failed) }
        if let n = e.skipped, n < p.skipped { throw refuse("skipped", n, p.skipped) }
    }

    private static func newDone(_ e: Event.Progress, from current: Int) throws(ApplyError) -> Int {
        guard let inc = e.inc else { return e.done ?? current }
        let (sum, overflow) = (e.done ?? current).addingReportingOverflow(inc)
        if overflow || sum < 0 || sum > 1 << 53 { throw ApplyError("inc \(inc) takes done out of range") }
        return sum
    }

    /// Most phases one job may have: beyond it a new phase id is refused, so a runaway or
    /// hostile producer cannot grow a job without bound.
    public static let maxPhases = 1_000

    /// Index of the phase, creating it when the pipeline did not declare it.
    private static func phaseSlot(_ job: inout Job, _ id: String) throws(ApplyError) -> Int {
        if let i = job.phaseIndex(id) { return i }
        guard job.phases.count < maxPhases else {
            throw ApplyError("job '\(job.id)' already has \(maxPhases) phases; phase '\(id)' refused")
        }
        job.phases.append(Phase(id: id))
        return job.phases.count - 1
    }

    private static func startImplicitly(_ p: inout Phase, _ est: inout JobEstimates, in job: Job, at t: Double) {
        p.state = .running
        p.startedAt = t
        p.activeStart = job.activeTime(t)
        let (n, a, total) = (p.done &+ p.failed, job.activeTime(t), p.effectiveTotal)
        est.update(p.id) { $0.rate.record(n, at: a, total: total) }
    }

    /// Drops `pipetop run`'s stand-in phase once the job reports phases of its own (see
    /// `Job.dropImplicitPhase`), and the estimator's memory of it with it.
    private static func dropImplicitPhase(_ job: inout Job, _ est: inout JobEstimates, for active: String) {
        if let dropped = job.dropImplicitPhase(for: active) { est.forget(dropped) }
    }

    /// The first sign of work moves a pending job to running.
    private static func wake(_ job: inout Job, at t: Double) {
        job.startRunning(at: t)
    }
}
