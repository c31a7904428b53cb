/// The estimator's and rules' memory as snapshots written before `Estimates` kept it: inside
/// each job (`eta`, `errorTrail`) and each phase (`rate`, `curve`). Read once, when such a
/// snapshot is loaded, into the tables (`PipelineState.tablesFromJobs`).
struct OldJobInternals: Decodable {
    struct OldPhase: Decodable {
        var id: String
        var rate: RateWindow?
        var curve: [Double]?
    }
    var eta: ETATrack?
    var errorTrail: ErrorTrail?
    var phases: [OldPhase]
}

extension PipelineState {
    /// The table as an old snapshot's jobs held it (by job id).
    static func tablesFromJobs(_ jobs: [String: OldJobInternals]) -> Estimates {
        var estimates = Estimates()
        for (id, job) in jobs {
            var est = JobEstimates()
            est.eta = job.eta
            est.errorTrail = job.errorTrail
            for p in job.phases {
                est.update(p.id) { pe in
                    pe.rate = p.rate ?? RateWindow()
                    pe.curve = p.curve
                }
            }
            estimates.jobs[id] = est
        }
        return estimates
    }
}
