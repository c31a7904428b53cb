/// Something a job made and wants a person to find: a file, a table, a URL (`artifact` event).
public struct ArtifactRecord: Sendable, Equatable, Codable {
    public var name: String
    /// Where it is: a path or a URL, as the job said it.
    public var location: String?
    /// Bytes, when the job said.
    public var size: Int?
    public var phase: String?
    public var at: Double

    public init(name: String, location: String? = nil, size: Int? = nil, phase: String? = nil, at: Double) {
        self.name = name; self.location = location; self.size = size; self.phase = phase; self.at = at
    }
}
