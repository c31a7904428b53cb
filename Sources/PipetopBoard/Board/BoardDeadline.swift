/// What a run promised and when it is due (engine's clock): a viewer compares it with the
/// job's estimate (`BoardETA`) to say "on time" or "late".
public struct BoardDeadline: Sendable, Equatable, Codable {
    /// When the run must be over: the earlier of `finishBy` and its start plus `maxDuration`.
    public var due: Double
    public var finishBy: Double?
    public var maxDuration: Double?
    /// Where the promise came from: "job.start", "sla nightly-import".
    public var source: String

    public init(due: Double, finishBy: Double? = nil, maxDuration: Double? = nil, source: String) {
        self.due = due; self.finishBy = finishBy; self.maxDuration = maxDuration; self.source = source
    }
}
