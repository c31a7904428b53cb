/// The deadline checks, run with the rules about once a second (docs/ALERTS.md "Deadlines
/// and SLAs"): a run likely to miss its deadline (`deadline-risk`: warning while the late end
/// of its estimate's 80% range is past it, critical once even the early end is), a run past
/// its deadline (`deadline-missed`), and a pipeline expected on a schedule whose run has not
/// started (`not-started`).
extension PipelineState {
    /// The risk must be seen this long before it is raised: a new estimate moves.
    public static let deadlineRiskFor = 30.0
    /// A run is judged on its estimate only once it has run this long.
    public static let deadlineRiskAfter = 60.0

    mutating func evaluateDeadlines(now t: Double) {
        for id in order {
            guard let job = jobs[id], job.deadline != nil, !job.state.isTerminal,
                  let outlook = DeadlineOutlook(job, estimates[job: id], now: t) else { continue }
            checkDeadline(job, outlook, now: t)
        }
        checkSchedules(now: t)
    }

    private mutating func checkDeadline(_ job: Job, _ o: DeadlineOutlook, now t: Double) {
        let source = job.deadline?.source ?? "job.start"
        let due = Format.finish(o.due, now: t)
        if t > o.due {
            alertRules.riskSince[job.id] = nil
            alerts.resolve(job: job.id, kind: "deadline-risk", at: t)
            guard alertRules.isOn("deadline-missed"), alerts.open(job: job.id, kind: "deadline-missed") == nil else { return }
            let expected = o.finish.map { ", expected to finish at \(Format.finish($0, now: t))" } ?? ""
            let done = Int((job.fraction * 100).rounded(.down))
            alerts.raise(job: job.id, phase: nil, kind: "deadline-missed", severity: .critical,
                         message: "missed its deadline \(due) (\(source)): \(done)% done\(expected)", labels: job.labels, at: t)
            return
        }
        guard alertRules.isOn("deadline-risk") else { return }
        // Judged on what the estimate says, once there is enough of the run to go on.
        let ran = t - (job.startedAt + (job.clockSkew ?? 0))
        let level: Alert.Severity?
        if let early = o.earliest, early > o.due { level = .critical }
        else if let late = o.latest, late > o.due { level = .warning }
        else { level = nil }
        let open = alerts.open(job: job.id, kind: "deadline-risk")
        guard let level, ran >= Self.deadlineRiskAfter else {
            alertRules.riskSince[job.id] = nil
            // Cleared with a margin, so an estimate that hovers at the deadline does not flap.
            let slack = max(60, 0.05 * (o.due - t))
            if open != nil, o.latest.map({ $0 + slack < o.due }) ?? (o.earliest.map { $0 + slack < o.due } ?? true) {
                alerts.resolve(job: job.id, kind: "deadline-risk", at: t)
            }
            return
        }
        let since = alertRules.riskSince[job.id] ?? t
        alertRules.riskSince[job.id] = since
        guard open != nil || t - since >= Self.deadlineRiskFor else { return }
        let range = o.finish.map { f in
            "expected to finish at \(Format.finish(f, now: t))"
                + (o.earliest.flatMap { e in o.latest.map { " (\(Format.finish(e, now: t))–\(Format.finish($0, now: t))\(o.rough ? ", rough" : ""))" } } ?? "")
        } ?? "the earliest finish expected is \(Format.finish(o.earliest ?? t, now: t))"
        let message = level == .critical
            ? "will miss its deadline \(due) (\(source)): \(range)"
            : "may miss its deadline \(due) (\(source)): \(range)"
        alerts.raise(job: job.id, phase: nil, kind: "deadline-risk", severity: level, message: message, labels: job.labels, at: t)
    }

    /// When the newest run of each of `pipelines` started (engine clock), from the jobs the
    /// engine holds and the history; a pipeline never seen is absent. One pass over the jobs.
    func lastStarts(of pipelines: Set<String>) -> [String: Double] {
        var last: [String: Double] = [:]
        for p in pipelines { if let h = history[p]?.last?.startedAt { last[p] = h } }
        for job in jobs.values {
            let p = RunSummary.pipeline(of: job)
            guard pipelines.contains(p) else { continue }
            last[p] = max(last[p] ?? -.infinity, job.startedAt + (job.clockSkew ?? 0))
        }
        return last
    }

    /// Pipelines expected every so often whose next run is later than that (and its grace).
    private mutating func checkSchedules(now t: Double) {
        let scheduled = alertRules.serviceLevels.filter { $0.every != nil }
        guard !scheduled.isEmpty else { return }
        let lastStart = lastStarts(of: Set(scheduled.map(\.pipeline)))
        for level in scheduled {
            let p = level.pipeline, every = level.every!
            let last = [lastStart[p], alertRules.awaited[p]].compactMap { $0 }.max() ?? t
            let overdue = t > last + every + level.grace
            let open = alerts.open(job: p, kind: "not-started")
            if !overdue {
                if open != nil { alerts.resolve(job: p, kind: "not-started", at: t) }
                continue
            }
            guard open == nil, alertRules.isOn("not-started") else { continue }
            let since = lastStart[p] != nil ? "since its last start at \(Format.finish(last, now: t))"
                : "since pipetop began to expect it at \(Format.finish(last, now: t))"
            // A job with the pipeline's name as its id, held to no SLA, is likely what the
            // user meant: said, so that the alarm explains itself.
            let byID = jobs[p].map { j in
                "; a job with the id \(p) started at \(Format.finish(j.startedAt + (j.clockSkew ?? 0), now: t)), but its pipeline is \"\(RunSummary.pipeline(of: j))\" (give it the label pipeline=\(p))"
            } ?? ""
            alerts.raise(job: p, phase: nil, kind: "not-started", severity: .warning,
                         message: "no run of \(p) has started \(since) (expected every \(DurationText.text(every)), \(DurationText.text(level.grace)) grace)" + byID,
                         at: t)
        }
    }
}
