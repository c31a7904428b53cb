/// A checkpoint a job recorded: where it stood, and (for `resume`) what it saved.
public struct CheckpointRecord: Sendable, Codable, Equatable {
    public var name: String
    public var at: Double
    public var phase: String?
    /// Items done in the job's phases when the checkpoint was taken.
    public var done: Int
    public var failed: Int
    public var data: JSONValue?

    public init(name: String, at: Double, phase: String?, done: Int, failed: Int, data: JSONValue?) {
        self.name = name; self.at = at; self.phase = phase; self.done = done; self.failed = failed; self.data = data
    }
}
