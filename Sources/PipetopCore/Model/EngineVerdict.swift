/// A verdict the engine made about a job without a word from the job: what it saw, and the
/// phases it closed (reopened if the job turns out to be alive).
public struct EngineVerdict: Sendable, Codable, Equatable {
    public var at: Double
    /// Phases that were running when the engine ended the job.
    public var closedPhases: [String]
    public init(at: Double, closedPhases: [String]) { self.at = at; self.closedPhases = closedPhases }
}
