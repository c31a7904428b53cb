/// How long a job has been paused: finished pauses summed, plus the one under way.
public struct PauseRecord: Sendable, Codable, Equatable {
    public var total: Double = 0
    public var since: Double?

    public init() {}

    public func paused(through t: Double) -> Double { total + (since.map { max(0, t - $0) } ?? 0) }
}
