/// The finished runs of each pipeline, kept for estimates, rules and past durations.
extension PipelineState {
    /// Finished runs kept per pipeline (the newest last).
    public static let runsKept = 200

    /// Past durations of a phase in this pipeline's completed runs, for p50/p95.
    public func pastDurations(pipeline: String, phase: String) -> [Double] {
        (history[pipeline] ?? []).filter { $0.status == .completed }
            .compactMap { $0.phases.first { $0.id == phase && $0.status == .done }?.duration }
    }

    /// The longest wait between progress updates a phase usually shows (median over past runs).
    func usualGap(pipeline: String, phase: String) -> Double {
        median(pastRuns(pipeline: pipeline).phase(phase).compactMap(\.gap)) ?? 0
    }

    /// How a pipeline kept its promises: runs with a deadline among its last `runs` runs
    /// (and, with `since`, those that started then or later), met and missed.
    public func compliance(pipeline: String, runs n: Int = 30, since: Double? = nil) -> (met: Int, missed: Int) {
        var met = 0, missed = 0
        for r in (history[pipeline] ?? []).suffix(n) where since.map({ r.startedAt >= $0 }) ?? true {
            guard let ok = r.deadlineMet else { continue }
            if ok { met += 1 } else { missed += 1 }
        }
        return (met, missed)
    }

    /// The newest completed runs of a pipeline: what estimates and rules learn from (kept
    /// ready, as they are read for every job many times a second).
    public func pastRuns(pipeline: String) -> PastRuns { pastIndex[pipeline] ?? PastRuns() }

    mutating func reindexHistory(_ pipeline: String? = nil) {
        for name in pipeline.map({ [$0] }) ?? Array(history.keys) {
            let runs = (history[name] ?? []).filter { $0.status == .completed }.suffix(Estimator.runsUsed)
            pastIndex[name] = runs.isEmpty ? nil : PastRuns(runs)
        }
    }

    mutating func record(_ job: Job, at t: Double) {
        var runs = history[RunSummary.pipeline(of: job)] ?? []
        var summary = RunSummary(job, estimates[job: job.id], endedAt: job.endedAt ?? t)
        // A first run was estimated without history, unlike every later one: its errors
        // would miscalibrate theirs.
        if !runs.contains(where: { $0.status == .completed }) { summary.etaErrors = nil }
        let skew = job.clockSkew ?? 0
        if let d = job.deadline, let due = d.due(startedAt: job.startedAt + skew) {
            summary.due = due
            summary.deadlineMet = d.met(startedAt: job.startedAt + skew, endedAt: (job.endedAt ?? t) + skew, completed: job.state == .completed)
        }
        runs.append(summary)
        if runs.count > Self.runsKept { runs.removeFirst(runs.count - Self.runsKept) }
        history[RunSummary.pipeline(of: job)] = runs
        reindexHistory(RunSummary.pipeline(of: job))
        if history.count > Self.maxPipelines + Self.maxPipelines / 10 {
            // Forget the pipelines whose last run ended first (a tenth at a time: one scan per
            // hundred or so new pipelines).
            let stale = history.map { ($0.value.last?.endedAt ?? 0, $0.key) }.sorted { $0 < $1 }
                .prefix(history.count - Self.maxPipelines)
            for (_, name) in stale {
                history[name] = nil
                pastIndex[name] = nil
            }
        }
    }
}

