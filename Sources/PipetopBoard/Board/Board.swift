/// What every viewer shows: the dashboard (local and remote), `report`, `/metrics` and alert
/// texts read this, and none of them works a figure out again. The engine projects it from
/// its state once per change (`BoardProjector` in PipetopCore), each job on its own clock.
///
/// Figures are as of `at` (the engine's clock). Between two boards a viewer only counts
/// time on (`BoardJob.elapsed(at:)`, `BoardETA.left(at:)`): it never runs the estimator.
public struct Board: Sendable, Equatable, Codable {
    /// When it was projected (engine's clock, seconds since 1970).
    public var at: Double
    /// Jobs in the order they first started.
    public var jobs: [BoardJob]
    /// Alerts as a person wants them listed (open before resolved, unacknowledged first, most
    /// severe first, newest first); folded and cleared ones are left out.
    public var alerts: [Alert]
    /// Open alerts nobody has acknowledged (and not silenced).
    public var unacknowledged: Int
    /// The machine the engine runs on.
    public var host: BoardHost
    /// Configured pipeline promises (`[[sla]]`) and how they were kept; nil when there are none.
    public var serviceLevels: [BoardServiceLevel]?

    public init(at: Double, jobs: [BoardJob] = [], alerts: [Alert] = [], unacknowledged: Int = 0, host: BoardHost = BoardHost(),
                serviceLevels: [BoardServiceLevel]? = nil) {
        self.at = at; self.jobs = jobs; self.alerts = alerts; self.unacknowledged = unacknowledged; self.host = host
        self.serviceLevels = serviceLevels
    }

    public subscript(job id: String) -> BoardJob? { jobs.first { $0.id == id } }

}

extension Board {
    /// The job pipetop's own alerts belong to, and the kind of the one raised while the
    /// engine's database cannot be written (see `PipelineState.notSavedKind`).
    public static let ownJob = "pipetop"
    public static let notSavedKind = "not-saved"

    /// While the engine cannot keep its promise: shown on every screen.
    public var notSavedAlert: Alert? { alerts.last { $0.isOpen && $0.job == Self.ownJob && $0.kind == Self.notSavedKind } }
}
