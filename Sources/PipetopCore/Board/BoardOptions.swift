/// What a viewer wants in its Board beyond what every viewer gets.
public struct BoardOptions: Sendable, Hashable {
    /// The job (and phase) the viewer looks at: only there are steps listed one by one and
    /// resource timelines included.
    public var focusJob: String?
    public var focusPhase: String?
    /// Include checkpoints' saved data (the job screen asks for it, `resume` reads it).
    public var checkpointData: Bool
    /// Resource timeline points a graph can show (per second, newest last).
    public var timelinePoints: Int
    /// Newest log lines per job.
    public var logLines: Int

    /// Every job and phase in detail, as if each were the focus (reports, tests).
    public var allDetail: Bool

    public init(focusJob: String? = nil, focusPhase: String? = nil, checkpointData: Bool = false,
                timelinePoints: Int = Timeline.wireFine, logLines: Int = Job.maxLogLines, allDetail: Bool = false) {
        self.focusJob = focusJob; self.focusPhase = focusPhase; self.checkpointData = checkpointData
        self.timelinePoints = timelinePoints; self.logLines = logLines; self.allDetail = allDetail
    }

    /// Everything: every phase's steps, checkpoint data, timelines (reports, tests).
    public static let everything = BoardOptions(checkpointData: true, allDetail: true)

    /// Timelines are included for the focused job; steps for its focused phase (all its
    /// phases when none is named).
    func focuses(job: String) -> Bool { allDetail || focusJob == job }
    func focuses(job: String, phase: String) -> Bool { allDetail || focusJob == job && (focusPhase == nil || focusPhase == phase) }
}
