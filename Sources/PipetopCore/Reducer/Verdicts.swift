import Foundation

/// Verdicts the engine makes without a word from the job: `lost` (its watched process gone
/// for `Job.lostGrace` with no job.end) and "failed while no engine ran" (a `job.end` with
/// `by: engine`). Both are provisional: the job's next report undoes them, and what the job
/// says (running on, or its own job.end) wins.
extension PipelineState {
    /// Undoes the engine's verdict on a job that reports again: a lost job is no longer lost;
    /// a job the engine failed runs again (the phases it closed reopen, its run leaves the
    /// history). The dead process is not watched any more (the job lives without it); the
    /// engine's alert resolves.
    mutating func reopen(_ id: String, at t: Double) {
        guard var job = jobs[id] else { return }
        if let v = job.verdict, job.state.isTerminal {
            unrecord(job)
            job.state = .running
            job.endedAt = nil
            job.error = nil
            for p in v.closedPhases {
                guard let i = job.phaseIndex(p), job.phases[i].state == .failed else { continue }
                job.phases[i].state = .running
                job.phases[i].endedAt = nil
                job.phases[i].activeEnd = nil
                job.phases[i].error = nil
            }
            liveJobs += 1
            alerts.resolve(job: id, kind: "job-failed", at: t)
        }
        if job.lostAt != nil { alerts.resolve(job: id, kind: "rule:lost", at: t) }
        job.verdict = nil
        job.lostAt = nil
        job.pidGoneAt = nil
        job.pid = nil
        jobs[id] = job
    }

    /// Takes a job's run back out of the history (its end was the engine's verdict, undone).
    private mutating func unrecord(_ job: Job) {
        let name = RunSummary.pipeline(of: job)
        guard var runs = history[name], let i = runs.lastIndex(where: { $0.job == job.id && $0.run == job.run }) else { return }
        runs.remove(at: i)
        history[name] = runs.isEmpty ? nil : runs
        reindexHistory(name)
    }

    /// The sampler found these jobs' watched processes gone: noted now, lost once the grace
    /// has passed with no job.end (a normal exit's job.end comes just after the exit).
    mutating func noteGone(_ ids: Set<String>, at t: Double) {
        for id in ids {
            guard var job = jobs[id], !job.state.isTerminal, job.lostAt == nil, job.pid != nil else { continue }
            let since = job.pidGoneAt ?? t
            job.pidGoneAt = since
            if t - since >= Job.lostGrace { job.lostAt = t }
            jobs[id] = job
        }
    }

    /// What the engine saw, in a sentence: the job's failure reason and the `lost` alert.
    public static func goneMessage(pid: Int32, goneAt: Double, lastReport: Double, engineStart: Bool) -> String {
        let seen = engineStart ? "was gone when the engine started at \(Format.clock(goneAt))"
                               : "was gone at \(Format.clock(goneAt))"
        return "its process (pid \(pid)) \(seen) and no job.end came; last report \(Format.clock(lastReport))"
    }
}

extension Event.Body {
    /// An event only the job itself sends (not a person's ack, silence, rule or clear, and
    /// not the engine's own verdict): proof that the job's reporter is alive.
    var isReport: Bool {
        switch self {
        case .phaseStart, .progress, .step, .phaseEnd, .checkpoint, .log, .metric, .jobState, .alert, .artifact: return true
        case .jobEnd(let e): return !e.byEngine
        case .jobStart, .ack, .rule, .silence, .clearAlerts, .forgetJob, .alertRecord: return false
        }
    }
}
