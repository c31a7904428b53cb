import Foundation

extension RunSummary {
    /// The summary of `job`'s run, ended at `endedAt`; the estimator's memory of it (`est`)
    /// gives each phase's curve and usual gap, and the errors of the estimates it showed.
    public init(_ job: Job, _ est: JobEstimates, endedAt: Double) {
        pipeline = Self.pipeline(of: job)
        self.job = job.id
        run = job.run
        status = job.state
        startedAt = job.startedAt
        self.endedAt = endedAt
        done = job.phases.reduce(0) { $0 + $1.done }
        failed = job.phases.reduce(0) { $0 + $1.failed }
        error = job.error
        phases = job.phases.map {
            let pe = est.phase($0.id) ?? PhaseEstimates(id: $0.id)
            return PhaseSummary(id: $0.id, name: $0.name, status: $0.state, duration: $0.elapsed(now: endedAt), done: $0.done, failed: $0.failed,
                                skipped: $0.skipped, active: $0.activeElapsed(in: job, now: endedAt), curve: pe.curve?.count == 21 ? pe.curve : nil,
                                gap: pe.rate.recentMaxGap > 0 ? pe.rate.recentMaxGap : nil)
        }
        let worked = job.activeElapsed(now: endedAt)
        active = worked
        if job.state == .completed, let marks = est.eta?.marks {
            etaErrors = marks.map { m in
                m.map { log(max(1, $0.predicted) / max(1, worked - $0.elapsed)) }
            }
        }
    }
}
