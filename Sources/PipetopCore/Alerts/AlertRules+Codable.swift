/// The rule states are stored as a list of `{rule, job, phase, state}` (a dictionary with
/// struct keys has no JSON object form). Snapshots written before keep them as an object keyed
/// "rule|job|phase": those are read too.
extension AlertRules {
    enum CodingKeys: String, CodingKey { case rules, off, states, silences, serviceLevels, awaited }

    struct StateEntry: Codable {
        var rule: String
        var job: String
        var phase: String?
        var state: RuleState
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        global = []
        // One list on the wire and on disk (viewers and old snapshots read it so).
        for r in try c.decode([Rule].self, forKey: .rules) {
            if r.declaredByJob, let job = r.job { declared[job, default: []].append(r) } else { global.append(r) }
        }
        off = try c.decode(Set<String>.self, forKey: .off)
        silences = try c.decode([Silence].self, forKey: .silences)
        serviceLevels = try c.decodeIfPresent([ServiceLevel].self, forKey: .serviceLevels) ?? []
        awaited = try c.decodeIfPresent([String: Double].self, forKey: .awaited) ?? [:]
        if let list = try? c.decode([StateEntry].self, forKey: .states) {
            for e in list { states[RuleKey(rule: e.rule, job: e.job, phase: e.phase)] = e.state }
        } else {
            let old = try c.decode([String: RuleState].self, forKey: .states)
            for (key, st) in old {
                let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3 else { continue }
                states[RuleKey(rule: parts[0], job: parts[1], phase: parts[2].isEmpty ? nil : parts[2])] = st
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rules, forKey: .rules)
        try c.encode(off, forKey: .off)
        try c.encode(silences, forKey: .silences)
        if !serviceLevels.isEmpty { try c.encode(serviceLevels, forKey: .serviceLevels) }
        if !awaited.isEmpty { try c.encode(awaited, forKey: .awaited) }
        try c.encode(states.map { StateEntry(rule: $0.key.rule, job: $0.key.job, phase: $0.key.phase, state: $0.value) }, forKey: .states)
    }
}
