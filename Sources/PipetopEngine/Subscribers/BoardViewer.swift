import PipetopCore
import PipetopWire

/// What the hub keeps for a viewer of subscriber protocol 2 or 3: what it looks at, the Board
/// it was last sent (deltas are made against it), and where it is in the event stream.
struct BoardViewer: Sendable {
    var options: BoardOptions
    /// The subscriber protocol spoken with it: the viewer's, or this engine's when newer.
    var version = BoardMessage.version
    /// The Board as this viewer has it (nil: the next frame is a whole Board). At most one
    /// Board's worth of memory per viewer.
    var sent: JSONValue?
    var events = false
    var eventJobs: Set<String>?
    var eventTypes: Set<String>?
    /// The number of the last event it was sent (or skipped past).
    var lastEvent: UInt64 = 0

    init(options: BoardOptions) { self.options = options }
}
