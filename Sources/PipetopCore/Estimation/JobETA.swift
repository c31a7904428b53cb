/// Time left for the whole job, not only the running phase: the running phases' remaining
/// work at their recent rate, plus the phases still ahead at their usual duration in past
/// runs of the same pipeline (p50). Phases ahead with no history make the estimate a lower
/// bound, and it says so.
public struct JobETA: Sendable, Equatable {
    public var seconds: Double
    /// False when some phase ahead has no history: the job will take at least `seconds`.
    public var complete: Bool

    public static func estimate(_ job: Job, history: PipelineState, now: Double) -> JobETA? {
        guard !job.state.isTerminal else { return nil }
        let pipeline = RunSummary.pipeline(of: job)
        var total = 0.0
        var complete = true
        var known = false
        for p in job.phases {
            switch p.state {
            case .running:
                if let eta = ETA.phase(p, now: now) {
                    total += eta
                    known = true
                } else if let p50 = percentile(history.pastDurations(pipeline: pipeline, phase: p.id), 50) {
                    total += max(0, p50 - (p.elapsed(now: now) ?? 0))
                    known = true
                } else {
                    complete = false
                }
            case .pending:
                if let p50 = percentile(history.pastDurations(pipeline: pipeline, phase: p.id), 50) {
                    total += p50
                    known = true
                } else {
                    complete = false
                }
            default:
                break
            }
        }
        return known ? JobETA(seconds: total, complete: complete) : nil
    }
}
