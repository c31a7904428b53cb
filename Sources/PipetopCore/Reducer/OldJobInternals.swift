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
    /// The tables as an old snapshot's jobs held them (by job id).
    static func tablesFromJobs(_ jobs: [String: OldJobInternals]) -> (Estimates, [String: ErrorTrail]) {
        var estimates = Estimates()
        var trails: [String: ErrorTrail] = [:]
        for (id, job) in jobs {
            trails[id] = job.errorTrail
            var est = JobEstimates()
            est.eta = job.eta
            for p in job.phases {
                var pe = PhaseEstimates()
                pe.rate = p.rate ?? RateWindow()
                pe.curve = p.curve
                est.phases[p.id] = pe
            }
            estimates.jobs[id] = est
        }
        return (estimates, trails)
    }
}
