import PipetopCore

/// Where the dashboard gets its Board: the engine in this process, or an engine reached
/// over its socket. Either way the dashboard only reads Boards the engine projected.
public protocol SnapshotSource: AnyObject, Sendable {
    /// What the dashboard `poll`s for reading beside the keyboard (the subscription's socket,
    /// or a wake pipe): readable means `pump` has something to take in.
    var readFDs: [Int32] { get }
    /// Takes in what arrived, without waiting, and does what is due (reconnecting). Called on
    /// the dashboard's thread at every turn of its loop; returns the seconds after which it
    /// must be called again even if nothing becomes readable.
    func pump() -> Double
    /// Seconds between the beats of an engine that `pump` runs (the engine in this process):
    /// its frames fall on those beats, and the clock on screen waits for them. Nil: none.
    var beat: Double? { get }
    /// The newest snapshot, or nil before the first one arrived.
    func current() -> SourceSnapshot?
    /// Sends events to the engine (acknowledgements); never blocks the dashboard for long.
    func send(_ events: [Event])
    /// Asks the engine to signal a job's process (`K`); the outcome comes back in its log.
    func signal(job: String, signal: String, by: String)
    /// What the person looks at (nil job: the overview): that phase's steps and that job's
    /// timelines come in the Boards from now on.
    func focus(job: String?, phase: String?)
}

extension SnapshotSource {
    public var beat: Double? { nil }
}
