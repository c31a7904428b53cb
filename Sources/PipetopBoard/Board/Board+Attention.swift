/// The jobs in attention order (the rule is `JobAttention`'s).
extension Board {
    /// The ids of jobs with an alert that needs a person (open, unacknowledged, not silenced).
    public var alertingJobs: Set<String> { Set(alerts.lazy.filter(\.needsAttention).map(\.job)) }

    /// Every job, those that need a person first (`JobAttention`); `jobs` stays in start order.
    public var byAttention: [BoardJob] {
        let alerting = alertingJobs
        return jobs.indices.map { (JobAttention(jobs[$0], alerting: alerting.contains(jobs[$0].id)), $0) }
            .sorted { $0.0 < $1.0 }.map { jobs[$0.1] }
    }
}
