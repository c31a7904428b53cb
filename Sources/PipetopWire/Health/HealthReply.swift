import PipetopCore

/// The answer to `{"type":"health"}`: `{"type":"health", ...EngineHealth}` on one line.
public enum HealthReply {
    public static func line(_ h: EngineHealth) -> String {
        JSONWriter.string(json(h, type: true)) + "\n"
    }

    /// The health as JSON (`type: true`: as the wire's reply, with `"type":"health"` first).
    public static func json(_ h: EngineHealth, type: Bool = false) -> JSONValue {
        guard case .object(var members) = (try? JSONValueEncoder.encode(h)) ?? .object([]) else { return .object([]) }
        // Jobs by state in the state machine's order, lost after running (a dictionary has none).
        if let i = members.firstIndex(where: { $0.0 == "jobs" }) {
            let known = EngineHealth.jobKeys
            members[i].1 = .object((known.filter { h.jobs[$0] != nil } + h.jobs.keys.filter { !known.contains($0) }.sorted())
                .map { ($0, JSONValue.int(h.jobs[$0]!)) })
        }
        return .object((type ? [("type", JSONValue.string("health"))] : []) + members)
    }

    /// The health from such a line; nil for any other line.
    public static func parse(_ line: String) throws -> EngineHealth? {
        let v = try JSONParser.parse(line)
        guard case .string("health")? = v["type"] else { return nil }
        return try JSONValueDecoder.decode(EngineHealth.self, from: v)
    }
}
