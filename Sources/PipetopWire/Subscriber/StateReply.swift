import PipetopCore

/// The answer to `{"type":"state"}`: the engine's state once, as the CLI's reports read it
/// (`{"type":"state","now":T,"state":{...}}`), checkpoints' data included, the engine's own
/// marks left out (`forCLI`).
public enum StateReply {
    public static func line(_ state: PipelineState, now: Double) -> String {
        let value = (try? JSONValueEncoder.encode(state.forCLI)) ?? .object([])
        return JSONWriter.string(.object([("type", .string("state")), ("now", .double(now)), ("state", value)])) + "\n"
    }

    /// The state and the engine's clock from such a line; nil for any other line.
    public static func parse(_ line: String) throws -> (state: PipelineState, now: Double)? {
        let v = try JSONParser.parse(line)
        guard case .string("state")? = v["type"], let state = v["state"], let now = v["now"]?.number else { return nil }
        return (try JSONValueDecoder.decode(PipelineState.self, from: state), now)
    }
}
