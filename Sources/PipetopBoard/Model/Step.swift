/// One sub-step inside a phase ("page 3", "shard 12", "sample NA12878").
public struct Step: Sendable, Codable, Equatable {
    public var id: String
    public var state: StepState
    public var startedAt: Double
    public var endedAt: Double?
    public var detail: String?

    public init(id: String, state: StepState, startedAt: Double, endedAt: Double? = nil, detail: String? = nil) {
        self.id = id; self.state = state; self.startedAt = startedAt; self.endedAt = endedAt; self.detail = detail
    }

    public func duration(now: Double) -> Double { max(0, (endedAt ?? now) - startedAt) }
}
