/// Where a job stands in the order every viewer lists jobs in by default, "needs attention
/// first" (the dashboard's overview, the web page, `/api/v1/board`: `Board.byAttention`). The
/// rule, in one place:
///
/// 1. needs a person: failed, lost (`BoardJob.isLost`: its process gone with no end), or with
///    an alert nobody has answered (`Alert.needsAttention`: open, unacknowledged, not silenced);
/// 2. still going (any state that is not an end: pending, running, paused...);
/// 3. finished (completed or canceled);
///
/// newest start first inside each group, then by id (so the order never depends on chance).
public struct JobAttention: Comparable, Sendable {
    public enum Group: Int, Comparable, Sendable {
        case needed, going, finished
        public static func < (a: Group, b: Group) -> Bool { a.rawValue < b.rawValue }
    }

    public var group: Group
    public var startedAt: Double
    public var id: String

    /// `alerting`: the job has an alert that needs attention (`Board.alertingJobs`).
    public init(_ job: BoardJob, alerting: Bool) {
        if job.state == .failed || job.isLost || alerting {
            group = .needed
        } else {
            group = job.state.isTerminal ? .finished : .going
        }
        startedAt = job.startedAt
        id = job.id
    }

    public static func < (a: JobAttention, b: JobAttention) -> Bool {
        if a.group != b.group { return a.group < b.group }
        if a.startedAt != b.startedAt { return a.startedAt > b.startedAt }
        return a.id < b.id
    }
}
