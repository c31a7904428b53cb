import PipetopCore

/// The protocol's major version this engine speaks (`v` on a line, optional).
public let protocolVersion = 1

/// Longest line the engine accepts, newline excluded. Longer lines are refused whole.
public let maxLineBytes = 64 * 1024

/// One line a producer or viewer sent, decoded and validated.
public enum WireMessage: Sendable, Equatable {
    /// Something that changes a job.
    case event(Event)
    /// "Tell me when every earlier line of this connection is applied." The id is echoed.
    /// `durable` (the default) waits until they are also in the journal on disk; false answers
    /// as soon as they are applied (what `pipetop emit` asks: a refusal is still seen, without
    /// waiting for the disk).
    case sync(id: JSONValue, durable: Bool = true)
    /// "Send me the state, then updates." Turns the connection into a viewer.
    case subscribe(Subscribe)
    /// "Where should this job continue from?" Answered with its last checkpoint.
    case resume(job: String)

    /// "Send me your whole state, once" (the CLI's reports from a live engine: `report`,
    /// `history`, `alerts`), checkpoints' data included. Answered with one `state` line.
    case state

    /// "How are you?": answered with one `health` line (`EngineHealth`), what `pipetop status`
    /// prints.
    case health

    /// "Send this signal to the job's process" (htop's F9; the dashboard's `K`): TERM, INT,
    /// HUP or KILL (KILL goes to the whole process tree). Only for a peer of the engine's own
    /// user, and only to processes of that user. `by` says who asked (the job's log keeps it).
    case signal(job: String, signal: String, by: String?)

    /// A viewer (protocol 2 and later) looks at another job or phase (nil: the overview): it gets
    /// that phase's steps and that job's timelines from now on.
    case focus(job: String?, phase: String?)

    public struct Subscribe: Sendable, Equatable {
        /// The subscriber protocol the viewer speaks (1 when it does not say).
        public var version: Int = 1
        /// What the viewer looks at (since protocol 2): see `focus`.
        public var focusJob: String?
        public var focusPhase: String?
        /// Also every applied event, in order (since protocol 2), of these jobs and types only
        /// when given, starting after `since` when the engine still has it.
        public var events = false
        public var eventJobs: Set<String>?
        public var eventTypes: Set<String>?
        public var since: UInt64?
        /// Most snapshots per second the viewer wants (the engine caps it).
        public var fps: Double?
        /// The viewer applies deltas after the first snapshot (remote viewers: less to send).
        public var deltas: Bool
        /// The viewer wants checkpoints' data too (`report`); others get a checkpoint's name,
        /// time and counts only: its data can be 64 KB, a thousand of them per job, and a
        /// viewer that never shows them would carry them in every snapshot.
        public var checkpointData: Bool
        public init(fps: Double? = nil, deltas: Bool = false, checkpointData: Bool = false) {
            self.fps = fps; self.deltas = deltas; self.checkpointData = checkpointData
        }
    }
}

/// Why a line was refused; sent back as `{"type":"error","line":N,"reason":...}`.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
