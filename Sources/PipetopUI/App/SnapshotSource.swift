import PipetopCore

/// Where the dashboard gets its Board: the engine in this process, or an engine reached
/// over its socket. Either way the dashboard only reads Boards the engine projected.
public protocol SnapshotSource: AnyObject, Sendable {
    /// Readable when something new is there (the dashboard `poll`s it beside the keyboard).
    var wakeFD: Int32 { get }
    /// Empties the wake pipe after a wake-up.
    func drainWake()
    /// The newest snapshot, or nil before the first one arrived.
    func current() -> SourceSnapshot?
    /// Sends events to the engine (acknowledgements); never blocks the dashboard for long.
    func send(_ events: [Event])
    /// What the person looks at (nil job: the overview): that phase's steps and that job's
    /// timelines come in the Boards from now on.
    func focus(job: String?, phase: String?)
}
