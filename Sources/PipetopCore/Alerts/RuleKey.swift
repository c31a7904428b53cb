/// Where one rule stands for one subject: the rule, the job ("host" for host rules) and the
/// phase (nil for job and host rules). A value, not a "rule|job|phase" string: names may hold
/// `|`, and building and splitting strings cost more than the evaluation itself.
public struct RuleKey: Hashable, Sendable, Codable {
    public var rule: String
    public var job: String
    public var phase: String?

    public init(rule: String, job: String, phase: String?) {
        self.rule = rule; self.job = job; self.phase = phase
    }
}
