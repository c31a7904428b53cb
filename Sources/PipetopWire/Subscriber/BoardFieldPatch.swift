import PipetopCore

/// Applies the commonest job deltas straight to the typed values (a progress update changes a
/// few counts, a rate and a finish time): re-decoding a whole job for them was most of a busy
/// attached dashboard's time. Anything else says no, and the caller decodes the job again.
enum BoardFieldPatch {
    /// True when every member of `patch` was applied to `job`.
    static func apply(_ patch: JSONValue, to job: inout BoardJob) -> Bool {
        guard case .object(let members) = patch else { return false }
        var j = job
        for (key, v) in members {
            switch key {
            case "done": guard let n = int(v) else { return false }; j.done = n
            case "failed": guard let n = int(v) else { return false }; j.failed = n
            case "skipped": guard let n = int(v) else { return false }; j.skipped = n
            case "errorCount": guard let n = int(v) else { return false }; j.errorCount = n
            case "total": guard let n = optionalInt(v) else { return false }; j.total = n.value
            case "stalledSince": guard let d = optionalDouble(v) else { return false }; j.stalledSince = d.value
            case "endedAt": guard let d = optionalDouble(v) else { return false }; j.endedAt = d.value
            case "skew": guard let d = v.number else { return false }; j.skew = d
            case "state": guard case .string(let s) = v, let st = JobState(rawValue: s) else { return false }; j.state = st
            case "currentPhaseID": guard let s = optionalString(v) else { return false }; j.currentPhaseID = s.value
            case "error": guard let s = optionalString(v) else { return false }; j.error = s.value
            case "phases":
                guard case .object = v, v["ids"] == nil, v["shift"] == nil, case .object(let set)? = v["set"] else { return false }
                for (id, p) in set {
                    guard let i = j.phases.firstIndex(where: { $0.id == id }), apply(p, to: &j.phases[i]) else { return false }
                }
            default: return false
            }
        }
        job = j
        return true
    }

    static func apply(_ patch: JSONValue, to phase: inout BoardPhase) -> Bool {
        guard case .object(let members) = patch else { return false }
        var p = phase
        for (key, v) in members {
            switch key {
            case "done": guard let n = int(v) else { return false }; p.done = n
            case "failed": guard let n = int(v) else { return false }; p.failed = n
            case "skipped": guard let n = int(v) else { return false }; p.skipped = n
            case "errorCount": guard let n = int(v) else { return false }; p.errorCount = n
            case "retries": guard let n = int(v) else { return false }; p.retries = n
            case "total": guard let n = optionalInt(v) else { return false }; p.total = n.value
            case "rate": guard let d = optionalDouble(v) else { return false }; p.rate = d.value
            case "peakRate": guard let d = optionalDouble(v) else { return false }; p.peakRate = d.value
            case "finishAt": guard let d = optionalDouble(v) else { return false }; p.finishAt = d.value
            case "stalledSince": guard let d = optionalDouble(v) else { return false }; p.stalledSince = d.value
            case "startedAt": guard let d = optionalDouble(v) else { return false }; p.startedAt = d.value
            case "endedAt": guard let d = optionalDouble(v) else { return false }; p.endedAt = d.value
            case "state": guard case .string(let s) = v, let st = PhaseState(rawValue: s) else { return false }; p.state = st
            case "error": guard let s = optionalString(v) else { return false }; p.error = s.value
            default: return false
            }
        }
        phase = p
        return true
    }

    // A value, or `null` for "gone" (nil) — wrapped, so that "not this type" can say no.
    private struct Some<T> { var value: T? }
    private static func int(_ v: JSONValue) -> Int? { if case .int(let i) = v { return i }; return nil }
    private static func optionalInt(_ v: JSONValue) -> Some<Int>? {
        if v == .null { return Some(value: nil) }
        return int(v).map { Some(value: $0) }
    }
    private static func optionalDouble(_ v: JSONValue) -> Some<Double>? {
        if v == .null { return Some(value: nil) }
        return v.number.map { Some(value: $0) }
    }
    private static func optionalString(_ v: JSONValue) -> Some<String>? {
        if v == .null { return Some(value: nil) }
        if case .string(let s) = v { return Some(value: s) }
        return nil
    }
}
