import PipetopCore

/// Writes events as protocol lines: what `pipetop emit`, the demo and the Swift client send.
public enum EventEncoder {
    public static func line(_ e: Event) -> String { JSONWriter.string(json(e)) + "\n" }

    public static func json(_ e: Event) -> JSONValue {
        var m: [(String, JSONValue)] = [("type", .string(e.typeName)), ("job", .string(e.job))]
        if let ts = e.ts { m.append(("ts", .double(ts))) }
        if let seq = e.seq { m.append(("seq", .int(seq))) }
        if e.spooled { m.append(("spooled", .bool(true))) }
        func put(_ k: String, _ v: String?) { if let v { m.append((k, .string(v))) } }
        func put(_ k: String, _ v: Int?) { if let v { m.append((k, .int(v))) } }
        switch e.body {
        case .jobStart(let s):
            put("name", s.name)
            m.append(("phases", .array(s.phases.map { d in
                d.name.map { .object([("id", .string(d.id)), ("name", .string($0))]) } ?? .string(d.id)
            })))
            if s.unwatched && s.pid == nil { m.append(("pid", .null)) } else { put("pid", s.pid.map(Int.init)) }
            put("sample_pid", s.samplePid.map(Int.init))
            if !s.labels.isEmpty {
                m.append(("labels", .object(s.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
            }
            if !s.rules.isEmpty { m.append(("rules", .array(s.rules.map(rule)))) }
            if let d = s.deadline { m.append(("deadline", .double(d))) }
            if let d = s.maxDuration { m.append(("max_duration", .double(d))) }
            if s.queued { put("state", "pending") }
        case .phaseStart(let s):
            put("phase", s.phase); put("name", s.name); put("total", s.total); put("unit", s.unit)
            if s.implicit { m.append(("implicit", .bool(true))) }
        case .progress(let p):
            put("phase", p.phase); put("done", p.done); put("inc", p.inc)
            put("failed", p.failed); put("skipped", p.skipped); put("total", p.total)
            if p.reset { m.append(("reset", .bool(true))) }
        case .step(let s):
            put("phase", s.phase); put("step", s.step); put("state", s.state.rawValue); put("detail", s.detail)
        case .phaseEnd(let p):
            put("phase", p.phase); put("status", p.status.rawValue); put("error", p.error)
        case .checkpoint(let c):
            put("name", c.name); put("phase", c.phase)
            if let d = c.data { m.append(("data", d)) }
        case .log(let l):
            put("level", l.level.rawValue); put("message", l.message); put("phase", l.phase); put("category", l.category)
        case .metric(let x):
            put("name", x.name); m.append(("value", .double(x.value))); put("kind", x.kind.rawValue); put("phase", x.phase)
        case .jobState(let s):
            put("state", s.rawValue)
        case .jobEnd(let x):
            put("status", x.status.rawValue); put("error", x.error)
            if x.byEngine { put("by", "engine") }
            if let t = x.totals {
                var o: [(String, JSONValue)] = []
                if let v = t.cpuSeconds { o.append(("cpu_seconds", .double(v))) }
                if let v = t.maxRSS { o.append(("max_rss", .int(v))) }
                if let v = t.readBytes { o.append(("read_bytes", .int(v))) }
                if let v = t.writeBytes { o.append(("write_bytes", .int(v))) }
                m.append(("totals", .object(o)))
            }
        case .alert(let a):
            put("severity", a.severity.rawValue); put("message", a.message); put("phase", a.phase); put("name", a.name)
            if a.resolved { m.append(("resolved", .bool(true))) }
            if !a.labels.isEmpty { m.append(("labels", .object(a.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
            if let c = a.context { m.append(("context", c)) }
        case .artifact(let a):
            put("name", a.name)
            if let l = a.location { put(l.contains("://") ? "url" : "path", l) }
            put("size", a.size); put("phase", a.phase)
        case .ack(let a):
            put("alert", a.alert); put("by", a.by); put("comment", a.comment)
        case .rule(let r):
            m.append(("rule", rule(r)))
        case .silence(let x) where x.expire != nil:
            put("expire", x.expire); put("by", x.by)
        case .silence(let x):
            put("rule", x.rule)
            if !x.match.isEmpty { m.append(("match", strings(x.match))) }
            m.append(("for", .double(x.seconds))); put("by", x.by); put("comment", x.comment)
        case .clearAlerts(let one):
            put("alert", one)
        case .forgetJob:
            break
        case .alertRecord(let a):
            m.append(("alert", AlertRecordCoding.json(a)))
        }
        return .object(m)
    }

    /// A rule's fields, as `Rule.parse` reads them.
    public static func rule(_ r: Rule) -> JSONValue {
        var m: [(String, JSONValue)] = [("name", .string(r.name)), ("metric", .string(r.metric.description)), ("op", .string(r.op.rawValue)),
                                        ("value", .double(r.value))]
        if r.clear != r.value { m.append(("clear", .double(r.clear))) }
        if r.forSeconds > 0 { m.append(("for", .double(r.forSeconds))) }
        m.append(("severity", .string(r.severity.rawValue)))
        if !r.labels.isEmpty { m.append(("labels", strings(r.labels))) }
        if !r.match.isEmpty { m.append(("match", strings(r.match))) }
        if r.window != 300 { m.append(("window", .double(r.window))) }
        if !r.enabled { m.append(("enabled", .bool(false))) }
        if let msg = r.message { m.append(("message", .string(msg))) }
        if r.keepUntilAcknowledged { m.append(("keep_until_ack", .bool(true))) }
        return .object(m)
    }

    static func strings(_ d: [String: String]) -> JSONValue { .object(d.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }
}

/// Lines the engine sends back to a producer.
public enum Reply: Sendable, Equatable {
    /// Line `line` (1-based, per connection) was refused for `reason`.
    case error(line: Int, reason: String)
    /// Every line before the `sync` with this id has been applied.
    case synced(id: JSONValue, line: Int)
    /// The `sync` with this id cannot be kept: its lines are applied but cannot be saved
    /// (the database cannot be written); `reason` says why. An error reply with the sync's id.
    case syncFailed(id: JSONValue, line: Int, reason: String)

    public var line: String {
        switch self {
        case .error(let n, let reason):
            return JSONWriter.string(.object([("type", .string("error")), ("line", .int(n)), ("reason", .string(reason))])) + "\n"
        case .synced(let id, let n):
            return JSONWriter.string(.object([("type", .string("synced")), ("id", id), ("line", .int(n))])) + "\n"
        case .syncFailed(let id, let n, let reason):
            return JSONWriter.string(.object([("type", .string("error")), ("line", .int(n)), ("id", id), ("reason", .string(reason))])) + "\n"
        }
    }

    /// Reads a reply line (what clients and tests do with the engine's answers).
    public static func parse(_ text: String) -> Reply? {
        guard let json = try? JSONParser.parse(text), case .string(let type)? = json["type"] else { return nil }
        let n: Int
        if case .int(let i)? = json["line"] { n = i } else { n = 0 }
        switch type {
        case "error":
            guard case .string(let r)? = json["reason"] else { return nil }
            if let id = json["id"] { return .syncFailed(id: id, line: n, reason: r) }
            return .error(line: n, reason: r)
        case "synced":
            return .synced(id: json["id"] ?? .null, line: n)
        default:
            return nil
        }
    }
}

/// The answer to `resume`: the job's state and last checkpoint (nil when it has none or the
/// engine does not know the job). `job` is an id or a name (its newest run); the answer names
/// the id.
public enum ResumeReply {
    public static func json(job reference: String, state: PipelineState) -> JSONValue {
        guard let job = state.jobID(for: reference), let j = state[job: job] else {
            return .object([("type", .string("resume")), ("job", .string(reference)), ("known", .bool(false)), ("checkpoint", .null)])
        }
        var checkpoint: JSONValue = .null
        if let c = j.checkpoints.last {
            var m: [(String, JSONValue)] = [("name", .string(c.name)), ("at", .double(c.at)), ("done", .int(c.done)), ("failed", .int(c.failed))]
            if let p = c.phase { m.append(("phase", .string(p))) }
            if let d = c.data { m.append(("data", d)) }
            checkpoint = .object(m)
        }
        return .object([("type", .string("resume")), ("job", .string(job)), ("known", .bool(true)), ("state", .string(j.state.rawValue)),
                        ("run", .int(j.run)), ("checkpoint", checkpoint)])
    }
}
