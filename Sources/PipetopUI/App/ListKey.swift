/// Which list a selection and a `/` filter belong to: each screen's list keeps its own, and
/// so does each job's phase list and each phase's step list.
public enum ListKey: Hashable, Sendable {
    case jobs
    case phases(job: String)
    case steps(job: String, phase: String)
    /// The `!` screen.
    case alerts
    /// The pane under the overview and job screens (one pane, one filter, on both).
    case alertsPane
    /// The pager's search (its `/`).
    case text
}
