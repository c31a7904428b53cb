/// The demo's pipelines: enough variety that every part of the dashboard moves within
/// seconds: steady and uneven rates, sub-steps, a failure, a stall, a skipped phase, runs
/// that started minutes ago (their history is sent with past timestamps).
struct DemoJob {
    var id: String
    var name: String
    var labels: [String: String]
    var phases: [DemoPhase]
    /// How long ago the job "started": its history up to now is replayed at start.
    var startedAgo: Double
    /// Seconds after the job ends before it runs again (nil: never).
    var restartAfter: Double?
    /// The demo's real worker process is this job's, sampled for its resource timelines.
    var sampled = false
}
