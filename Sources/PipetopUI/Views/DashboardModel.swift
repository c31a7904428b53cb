import PipetopCore

/// Everything a view needs, as plain data: the snapshot, the clock, where it came from and
/// what the person has selected. Views are functions of this, a size, glyphs and a theme.
public struct DashboardModel: Sendable, Equatable {
    public enum Link: Sendable, Equatable {
        case connecting
        case live
        case lost(String)
    }

    public var state: PipelineState
    public var now: Double
    public var host: String
    /// The socket the engine listens on (shown so people know where to send events).
    public var socket: String
    public var link: Link
    public var selectedJob: String?
    /// A message for the person (a bad theme file...), shown in the footer until a key.
    public var notice: String?

    public init(state: PipelineState, now: Double, host: String, socket: String, link: Link = .live, selectedJob: String? = nil) {
        self.state = state; self.now = now; self.host = host; self.socket = socket; self.link = link; self.selectedJob = selectedJob
    }

    /// Jobs in the order the overview lists them: failed first, then the ones still going,
    /// then the finished ones; newest first inside each group.
    public var sortedJobs: [Job] {
        state.jobs.values.sorted { a, b in
            let ra = Self.rank(a.state), rb = Self.rank(b.state)
            if ra != rb { return ra < rb }
            if a.startedAt != b.startedAt { return a.startedAt > b.startedAt }
            return a.id < b.id
        }
    }

    static func rank(_ s: JobState) -> Int {
        switch s {
        case .failed: return 0
        case .running, .pausing, .paused, .completing, .canceling, .pending: return 1
        case .completed, .canceled: return 2
        }
    }

    /// The selected job, or the first listed when nothing (or a vanished job) is selected.
    public var selected: Job? {
        let jobs = sortedJobs
        if let id = selectedJob, let j = jobs.first(where: { $0.id == id }) { return j }
        return jobs.first
    }

    /// Moves the selection by `delta` rows in the sorted list, clamped.
    public mutating func moveSelection(by delta: Int) {
        let jobs = sortedJobs
        guard !jobs.isEmpty else { selectedJob = nil; return }
        let current = selectedJob.flatMap { id in jobs.firstIndex { $0.id == id } } ?? 0
        let next = max(0, min(jobs.count - 1, current + delta))
        selectedJob = jobs[next].id
    }
}
