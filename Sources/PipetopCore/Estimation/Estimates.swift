/// The engine's memory of every job, keyed by job id (`JobEstimates`: the estimator's, and the
/// error trail error-rate rules read): kept by the engine beside
/// the jobs (`PipelineState.estimates`), changed by the same reducer in the same step as the
/// job, and stored in snapshots so a restart estimates on. Viewers never see it: they get
/// the Board's figures (the CLI's reports project theirs from the state, `forCLI`).
public struct Estimates: Sendable, Codable, Equatable {
    public internal(set) var jobs: [String: JobEstimates] = [:]

    public init() {}

    /// One job's estimator memory (empty for a job it has not seen count).
    public subscript(job id: String) -> JobEstimates { jobs[id] ?? JobEstimates() }

    /// The table without what only the engine reads: calibration marks (read when a run
    /// ends) and error trails (read by rules).
    public var forCLI: Estimates {
        var e = self
        for (id, job) in jobs where job.errorTrail != nil || job.eta.map({ !$0.marks.isEmpty }) == true {
            e.jobs[id]?.errorTrail = nil
            e.jobs[id]?.eta?.marks = []
        }
        return e
    }
}
