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
        /// See `Phase.curve`.
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

    public var duration: Double { max(0, endedAt - startedAt) }

    /// The pipeline a job belongs to: its `pipeline` label, else its name.
    public static func pipeline(of job: Job) -> String { job.labels["pipeline"] ?? job.name }

    public init(_ job: Job, endedAt: Double) {
        pipeline = Self.pipeline(of: job)
        self.job = job.id
        run = job.run
        status = job.state
        startedAt = job.startedAt
        self.endedAt = endedAt
        done = job.phases.reduce(0) { $0 + $1.done }
        failed = job.phases.reduce(0) { $0 + $1.failed }
        error = job.error
        phases = job.phases.map {
            PhaseSummary(id: $0.id, name: $0.name, status: $0.state, duration: $0.elapsed(now: endedAt), done: $0.done, failed: $0.failed,
                         skipped: $0.skipped, active: $0.activeElapsed(in: job, now: endedAt), curve: $0.curve?.count == 21 ? $0.curve : nil,
                         gap: $0.rate.recentMaxGap > 0 ? $0.rate.recentMaxGap : nil)
        }
        let worked = job.activeElapsed(now: endedAt)
        active = worked
        if job.state == .completed, let marks = job.eta?.marks {
            etaErrors = marks.map { m in
                m.map { log(max(1, $0.predicted) / max(1, worked - $0.elapsed)) }
            }
        }
    }
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

extension PipelineState {
    /// Finished runs kept per pipeline (the newest last).
    public static let runsKept = 200

    /// Past durations of a phase in this pipeline's completed runs, for p50/p95.
    public func pastDurations(pipeline: String, phase: String) -> [Double] {
        (history[pipeline] ?? []).filter { $0.status == .completed }
            .compactMap { $0.phases.first { $0.id == phase && $0.status == .done }?.duration }
    }

    /// The longest wait between progress updates a phase usually shows (median over past runs).
    func usualGap(pipeline: String, phase: String) -> Double {
        median(pastRuns(pipeline: pipeline).phase(phase).compactMap(\.gap)) ?? 0
    }

    /// The newest completed runs of a pipeline: what estimates and rules learn from (kept
    /// ready, as they are read for every job many times a second).
    public func pastRuns(pipeline: String) -> PastRuns { pastIndex[pipeline] ?? PastRuns() }

    mutating func reindexHistory(_ pipeline: String? = nil) {
        for name in pipeline.map({ [$0] }) ?? Array(history.keys) {
            let runs = (history[name] ?? []).filter { $0.status == .completed }.suffix(Estimator.runsUsed)
            pastIndex[name] = runs.isEmpty ? nil : PastRuns(runs)
        }
    }

    mutating func record(_ job: Job, at t: Double) {
        var runs = history[RunSummary.pipeline(of: job)] ?? []
        var summary = RunSummary(job, endedAt: job.endedAt ?? t)
        // A first run was estimated without history, unlike every later one: its errors
        // would miscalibrate theirs.
        if !runs.contains(where: { $0.status == .completed }) { summary.etaErrors = nil }
        runs.append(summary)
        if runs.count > Self.runsKept { runs.removeFirst(runs.count - Self.runsKept) }
        history[RunSummary.pipeline(of: job)] = runs
        reindexHistory(RunSummary.pipeline(of: job))
        if history.count > Self.maxPipelines + Self.maxPipelines / 10 {
            // Forget the pipelines whose last run ended first (a tenth at a time: one scan per
            // hundred or so new pipelines).
            let stale = history.map { ($0.value.last?.endedAt ?? 0, $0.key) }.sorted { $0 < $1 }
                .prefix(history.count - Self.maxPipelines)
            for (_, name) in stale {
                history[name] = nil
                pastIndex[name] = nil
            }
        }
    }
}

