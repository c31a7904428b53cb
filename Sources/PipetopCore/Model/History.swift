import Foundation

/// A finished run, kept per pipeline so later runs can be compared with it (and, later,
/// estimated from it).
public struct RunSummary: Sendable, Codable, Equatable {
    public struct PhaseSummary: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var status: PhaseState
        public var duration: Double?
        public var done: Int
        public var failed: Int
        public var skipped: Int
        /// Seconds worked, pauses excluded (nil in records from before it was kept).
        public var active: Double?
        /// See `PhaseEstimates.curve`.
        public var curve: [Double]?
        /// The longest recent wait between progress updates (see `RateWindow.usualGap`).
        public var gap: Double?

        /// Seconds worked, for comparing runs.
        public var workSeconds: Double? { active ?? duration }
    }

    public var pipeline: String
    public var job: String
    public var run: Int
    public var status: JobState
    public var startedAt: Double
    public var endedAt: Double
    public var done: Int
    public var failed: Int
    public var error: String?
    public var phases: [PhaseSummary]
    /// Seconds worked, pauses excluded.
    public var active: Double?
    /// ln(estimated / actual time left) of the estimate made when the run was 10%, 20%...
    /// 90% through: what calibrates the range shown for later runs.
    public var etaErrors: [Double?]?
    /// When the run was due (engine clock) and whether it finished by then, for runs that had
    /// a deadline (`job.start` or `[[sla]]`).
    public var due: Double?
    public var deadlineMet: Bool?

    public var duration: Double { max(0, endedAt - startedAt) }

    /// The pipeline a job belongs to: its `pipeline` label, else its name.
    public static func pipeline(of job: Job) -> String { job.labels["pipeline"] ?? job.name }

    public func phase(_ id: String) -> PhaseSummary? { phases.first { $0.id == id } }
}

/// The newest completed runs of one pipeline, and each phase's records in them.
public struct PastRuns: Sendable, Equatable {
    public private(set) var runs: ArraySlice<RunSummary> = []
    /// Per phase id, its records in those runs (oldest first), the done ones only.
    private var phases: [String: [RunSummary.PhaseSummary]] = [:]

    public init() {}

    init(_ runs: ArraySlice<RunSummary>) {
        self.runs = runs
        for r in runs { for p in r.phases where p.status == .done { phases[p.id, default: []].append(p) } }
    }

    /// The phase's records in past runs where it finished done.
    public func phase(_ id: String) -> [RunSummary.PhaseSummary] { phases[id] ?? [] }
}
