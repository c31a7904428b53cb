import PipetopCore
import PipetopWire

/// What a `PIPETOP {json}` line of the command's output may be: an event the job reports
/// about itself, for the run's own job. Output is not trusted (`pipetop run -- cat
/// untrusted.log`), so nothing in it may silence, acknowledge or end anything, declare
/// rules, or touch another job.
enum CommandEvent {
    /// The event types a job reports about itself.
    static let allowed: [String] = ["progress", "phase.start", "phase.end", "step", "log", "metric", "checkpoint"]

    /// The event `json` stands for in job `job`, or a sentence saying why it is ignored.
    static func event(from json: JSONValue, job: String) -> Result<Event, WireError> {
        guard case .object(var members) = json else { return .failure(WireError("it is not a JSON object")) }
        guard case .string(let type)? = json["type"] else { return .failure(WireError("it has no 'type'")) }
        guard allowed.contains(type) else {
            return .failure(WireError("a command's output may not send '\(type)' events"))
        }
        if let named = json["job"], named != .null {
            guard named == .string(job) else { return .failure(WireError("it names another job than this run's ('\(job)')")) }
        } else {
            members.append(("job", .string(job)))
        }
        switch Result(catching: { () throws(WireError) -> WireMessage in try EventDecoder.message(.object(members)) }) {
        case .success(.event(let e)): return .success(e)
        case .success: return .failure(WireError("it is not an event"))
        case .failure(let why): return .failure(why)
        }
    }
}
