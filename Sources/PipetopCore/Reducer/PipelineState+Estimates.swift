/// The estimator run over the state: each job's estimate is worked out from the job, its
/// memory in `estimates`, and its pipeline's past runs.
extension PipelineState {
    /// Works out a fresh estimate for every unfinished job (the engine calls this about once
    /// a second, so a stall shows even when no event arrives).
    public mutating func refreshEstimates(now: Double) {
        for id in order {
            // A queued job has no run to estimate yet: its clock starts when it runs.
            guard let job = jobs[id], !job.state.isTerminal, job.state != .pending else { continue }
            var est = estimates[job: id]
            refreshEstimate(job, &est, now: job.ownTime(now))
            estimates.jobs[id] = est
        }
    }

    /// Refreshes one job's estimate.
    func refreshEstimate(_ job: Job, _ est: inout JobEstimates, now: Double) {
        let fresh = Estimator.job(job, est, past: pastRuns(pipeline: RunSummary.pipeline(of: job)), now: now)
        var track = est.eta ?? ETATrack(at: now)
        track.update(fresh, worked: job.activeElapsed(now: now), phase: job.phases.first { $0.state == .running }?.id, at: now)
        est.eta = track
    }

    /// Seconds left in one running phase of `job` (for per-phase columns): its share of the
    /// estimate the job shows (`ETATrack`), so the two never disagree; worked out afresh only
    /// when the shown estimate has no part for it (made before the phase began).
    public func phaseETA(_ p: Phase, of job: Job, now: Double) -> Double? {
        phaseETA(p, of: job, estimates[job: job.id], now: now)
    }

    func phaseETA(_ p: Phase, of job: Job, _ est: JobEstimates, now: Double) -> Double? {
        guard p.state == .running else { return nil }
        if let left = est.eta?.shown?.phaseLeft(p.id, now: now) { return left }
        let past = pastRuns(pipeline: RunSummary.pipeline(of: job))
        return Estimator.running(p, est.rate(p.id), in: job, past: past, pace: Estimator.pace(job, past: past, now: now), now: now)?.seconds
    }
}
