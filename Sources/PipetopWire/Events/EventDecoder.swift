import PipetopCore

/// Turns one protocol line into a `WireMessage`, or says exactly what is wrong with it.
/// Unknown fields are ignored; unknown types, missing fields and wrong value types are not.
public enum EventDecoder {
    public static let maxIdBytes = 256

    public static func decode(_ line: UnsafeRawBufferPointer) -> Result<WireMessage, WireError> {
        if let fast = ProgressFastPath.decode(line.bindMemory(to: UInt8.self)) { return .success(fast) }
        return decodeGeneral(line)
    }

    /// Every line the fast path does not take: parsed to a JSON tree, then read field by field.
    static func decodeGeneral(_ line: UnsafeRawBufferPointer) -> Result<WireMessage, WireError> {
        let json: JSONValue
        do {
            json = try JSONParser.parse(line)
        } catch {
            return .failure(WireError("invalid JSON at column \(error.column): \(error.message)"))
        }
        do {
            return .success(try message(json))
        } catch {
            return .failure(error)
        }
    }

    public static func decode(_ line: String) -> Result<WireMessage, WireError> {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { decode(UnsafeRawBufferPointer($0)) }
    }

    public static func message(_ json: JSONValue) throws(WireError) -> WireMessage {
        guard case .object = json else {
            throw WireError("a line must be a JSON object, not \(json.typeName)")
        }
        let f = Fields(json)
        let type = try f.requiredString("type")
        // A subscriber's `v` is the subscriber protocol's (checked by the engine, which
        // answers an old viewer with both versions); everywhere else, the events'.
        if type != "subscribe", let v = try f.optionalInt("v"), v != protocolVersion {
            throw WireError("unsupported protocol version \(v) (this engine speaks \(protocolVersion))")
        }
        switch type {
        case "sync":
            return .sync(id: json["id"] ?? .null, durable: try f.optionalBool("durable") ?? true)
        case "subscribe":
            var s = WireMessage.Subscribe(fps: try f.optionalDouble("fps"), deltas: try f.optionalBool("deltas") ?? false,
                                          checkpointData: try f.optionalBool("checkpoint_data") ?? false)
            s.version = try f.optionalInt("v", limit: 1_000) ?? 1
            if let focus = json["focus"], focus != .null {
                let ff = Fields(focus)
                guard case .object = focus else { throw WireError("field 'focus' must be an object with 'job' and 'phase', got \(focus.typeName)") }
                s.focusJob = try ff.optionalString("job", path: "focus.")
                s.focusPhase = try ff.optionalString("phase", path: "focus.")
            }
            s.events = try f.optionalBool("events") ?? false
            s.eventJobs = try f.optionalStrings("jobs")
            s.eventTypes = try f.optionalStrings("types")
            s.since = try f.optionalCount("since").map(UInt64.init)
            return .subscribe(s)
        case "state":
            return .state
        case "health":
            return .health
        case "focus":
            return .focus(job: try f.optionalString("job"), phase: try f.optionalString("phase"))
        case "resume":
            return .resume(job: try f.id("job"))
        case "signal":
            let name = (try f.optionalString("signal") ?? "").uppercased()
            let bare = name.hasPrefix("SIG") ? String(name.dropFirst(3)) : name
            guard ["TERM", "INT", "HUP", "KILL"].contains(bare) else {
                throw WireError("field 'signal' must be TERM, INT, HUP or KILL, got '\(name)'")
            }
            return .signal(job: try f.id("job"), signal: bare, by: try f.optionalString("by"))
        default:
            break
        }
        let job = try f.id("job")
        let ts = try f.optionalDouble("ts")
        if let ts, ts < 0 { throw WireError("field 'ts' must be seconds since the epoch, not negative") }
        if let ts, !(ts < Event.latestTimestamp) { throw WireError("field 'ts' must be seconds since the epoch; \(ts) is past the year 5000") }
        let seq = try f.optionalInt("seq")
        let body: Event.Body
        switch type {
        case "job.start":
            var start = Event.JobStart(name: try f.optionalString("name") ?? job,
                                       phases: try phaseDecls(f),
                                       pid: try f.optionalPid("pid"),
                                       samplePid: try f.optionalPid("sample_pid"),
                                       labels: try f.labels("labels"))
            if case .null? = f.json["pid"] { start.unwatched = true }
            start.rules = try rules(f)
            start.deadline = try f.optionalTime("deadline")
            start.maxDuration = try f.optionalDuration("max_duration")
            if let state = try f.optionalString("state") {
                guard state == "pending" || state == "running" else {
                    throw WireError("field 'state' of job.start must be \"pending\" (queued, waiting to run) or \"running\", not '\(state)'")
                }
                start.queued = state == "pending"
            }
            body = .jobStart(start)
        case "phase.start":
            body = .phaseStart(.init(phase: try f.id("phase"), name: try f.optionalString("name"),
                                     total: try f.optionalCount("total"), unit: try f.optionalString("unit"),
                                     implicit: try f.optionalBool("implicit") ?? false))
        case "progress":
            let p = Event.Progress(phase: try f.id("phase"), done: try f.optionalCount("done"),
                                   inc: try f.optionalInt("inc").map { v throws(WireError) -> Int in
                                       // Not abs(v): it traps on Int.min.
                                       guard v >= -Fields.maxCount && v <= Fields.maxCount else { throw WireError("field 'inc' is too large (at most \(Fields.maxCount))") }
                                       return v }, failed: try f.optionalCount("failed"),
                                   skipped: try f.optionalCount("skipped"), total: try f.optionalCount("total"),
                                   reset: try f.optionalBool("reset") ?? false)
            if p.done == nil && p.inc == nil && p.failed == nil && p.skipped == nil && p.total == nil {
                throw WireError("progress needs at least one of done, inc, failed, skipped, total")
            }
            if p.done != nil && p.inc != nil { throw WireError("progress takes either 'done' or 'inc', not both") }
            body = .progress(p)
        case "step":
            // `canceled` is the engine's word (a canceled job's running steps), not a producer's.
            let phase = try f.id("phase"), step = try f.id("step")
            guard let raw = try f.optionalString("state") else { throw WireError("missing required field 'state'") }
            guard let state = StepState(rawValue: raw), [.running, .done, .failed].contains(state) else {
                throw WireError("field 'state' must be one of running, done, failed; got '\(raw)'")
            }
            body = .step(.init(phase: phase, step: step, state: state,
                               detail: try f.optionalString("detail")))
        case "phase.end":
            let status = try f.optionalEnum("status", PhaseState.self) ?? .done
            guard status.isFinished else {
                throw WireError("field 'status' must be one of done, failed, skipped; got '\(status.rawValue)'")
            }
            body = .phaseEnd(.init(phase: try f.id("phase"), status: status, error: try f.optionalString("error")))
        case "checkpoint":
            body = .checkpoint(.init(name: try f.requiredString("name"), phase: try f.optionalString("phase"), data: json["data"]))
        case "log":
            let levelText = try f.optionalString("level") ?? "info"
            guard let level = LogLevel(wire: levelText) else {
                throw WireError("field 'level' must be one of debug, info, warn, error; got '\(levelText)'")
            }
            body = .log(.init(level: level, message: try f.requiredString("message"),
                              phase: try f.optionalString("phase"), category: try f.optionalString("category")))
        case "metric":
            body = .metric(.init(name: try f.requiredString("name"), value: try f.requiredDouble("value"),
                                 kind: try f.optionalEnum("kind", MetricKind.self) ?? .gauge,
                                 phase: try f.optionalString("phase")))
        case "job.state":
            body = .jobState(try f.requiredEnum("state", JobState.self))
        case "job.end":
            // Only an end's states are allowed, and only they are listed: a word that is no
            // state at all ("exploded") is told the same three.
            let raw = try f.optionalString("status")
            guard let status = raw.map({ JobState(rawValue: $0) }) ?? .completed, status.isTerminal,
                  JobState.allCases.contains(status) else {
                throw WireError("field 'status' must be one of completed, failed, canceled; got '\(raw ?? "")'")
            }
            let by = try f.optionalString("by")
            if let by, by != "engine" { throw WireError("field 'by' of job.end can only be \"engine\" (a verdict the engine made), not '\(by)'") }
            body = .jobEnd(.init(status: status, error: try f.optionalString("error"), byEngine: by == "engine", totals: try totals(f)))
        case "alert":
            body = .alert(.init(severity: try f.optionalEnum("severity", Alert.Severity.self) ?? .warning,
                                message: try f.requiredString("message"), phase: try f.optionalString("phase"),
                                name: try f.optionalString("name"), resolved: try f.optionalBool("resolved") ?? false,
                                labels: try f.labels("labels"), context: try context(f)))
        case "artifact":
            let path = try f.optionalString("path"), url = try f.optionalString("url")
            if path != nil && url != nil { throw WireError("an artifact has a 'path' or a 'url', not both") }
            body = .artifact(.init(name: try f.requiredString("name"), location: path ?? url, size: try f.optionalCount("size"),
                                   phase: try f.optionalString("phase")))
        case "ack":
            body = .ack(.init(alert: try f.requiredString("alert"), by: try f.requiredString("by"), comment: try f.optionalString("comment")))
        case "rule":
            guard case .object(let fields)? = f.json["rule"] else { throw WireError("field 'rule' must be an object with the rule's fields") }
            do { body = .rule(try Rule.parse(fields)) } catch { throw WireError("field 'rule': \(error)") }
        case "silence":
            if let id = try f.optionalString("expire") {
                body = .silence(.init(seconds: 0, by: try f.requiredString("by"), expire: id))
                break
            }
            guard let seconds = try f.optionalDouble("for") else { throw WireError("missing field 'for' (seconds)") }
            body = .silence(.init(rule: try f.optionalString("rule"), match: try f.labels("match"), seconds: seconds,
                                  by: try f.requiredString("by"), comment: try f.optionalString("comment")))
        case "alerts.clear":
            body = .clearAlerts(try f.optionalString("alert"))
        case "job.forget":
            body = .forgetJob
        case "alert.record":
            guard case .object? = json["alert"] else { throw WireError("alert.record needs an 'alert' object") }
            body = .alertRecord(try AlertRecordCoding.alert(json["alert"]!))
        default:
            throw WireError("unknown type '\(type)'")
        }
        var event = Event(job: job, ts: ts, seq: seq, body)
        // Marked by the engine in its journal: delivered from the spool (see `Event.spooled`).
        event.spooled = try f.optionalBool("spooled") ?? false
        return .event(event)
    }

    /// `rules` of a job.start: each checked, errors naming the rule and the field.
    /// An `alert`'s `context`: a JSON object (at most 4 KiB written out), kept as it came.
    private static func context(_ f: Fields) throws(WireError) -> JSONValue? {
        guard let v = f.json["context"], v != .null else { return nil }
        guard case .object = v else { throw WireError("field 'context' must be an object, got \(v.typeName)") }
        guard JSONWriter.string(v).utf8.count <= 4096 else { throw WireError("field 'context' is longer than 4096 bytes") }
        return v
    }

    private static func rules(_ f: Fields) throws(WireError) -> [Rule] {
        guard let raw = f.json["rules"], raw != .null else { return [] }
        guard case .array(let items) = raw else { throw WireError("field 'rules' must be an array, got \(raw.typeName)") }
        var out: [Rule] = []
        for (k, item) in items.enumerated() {
            guard case .object(let fields) = item else { throw WireError("field 'rules[\(k)]' must be an object") }
            do { out.append(try Rule.parse(fields)) } catch { throw WireError("field 'rules[\(k)]': \(error)") }
        }
        return out
    }

    /// `totals` of a job.end: what the job's process used in all (each figure optional).
    private static func totals(_ f: Fields) throws(WireError) -> RunTotals? {
        guard let raw = f.json["totals"], raw != .null else { return nil }
        guard case .object = raw else { throw WireError("field 'totals' must be an object, got \(raw.typeName)") }
        let g = Fields(raw)
        let cpu = try g.optionalDouble("cpu_seconds", path: "totals.")
        if let cpu, !(cpu >= 0 && cpu < 1e12) {
            throw WireError("field 'totals.cpu_seconds' must be 0 or more seconds, not \(JSONWriter.number(cpu))")
        }
        return RunTotals(cpuSeconds: cpu, maxRSS: try g.optionalCount("max_rss", path: "totals."),
                         readBytes: try g.optionalCount("read_bytes", path: "totals."), writeBytes: try g.optionalCount("write_bytes", path: "totals."))
    }

    private static func phaseDecls(_ f: Fields) throws(WireError) -> [Event.PhaseDecl] {
        guard let raw = f.json["phases"], raw != .null else { return [] }
        guard case .array(let items) = raw else { throw WireError("field 'phases' must be an array, got \(raw.typeName)") }
        var out: [Event.PhaseDecl] = []
        var seen = Set<String>()
        for (k, item) in items.enumerated() {
            let decl: Event.PhaseDecl
            switch item {
            case .string(let id):
                decl = .init(id: try Fields.checkId(id, "phases[\(k)]"))
            case .object:
                let g = Fields(item)
                decl = .init(id: try g.id("id", path: "phases[\(k)]."), name: try g.optionalString("name", path: "phases[\(k)]."))
            default:
                throw WireError("phases[\(k)] must be a string or an object {id, name}, got \(item.typeName)")
            }
            if !seen.insert(decl.id).inserted { throw WireError("phases[\(k)]: phase '\(decl.id)' is declared twice") }
            out.append(decl)
        }
        return out
    }
}

/// Typed access to an object's fields with errors that name the field and the problem.
struct Fields {
    let json: JSONValue
    init(_ json: JSONValue) { self.json = json }

    private func present(_ key: String) -> JSONValue? {
        guard let v = json[key], v != .null else { return nil }
        return v
    }

    static func checkId(_ s: String, _ name: String) throws(WireError) -> String {
        if s.isEmpty { throw WireError("field '\(name)' must not be empty") }
        // An id is typed on command lines and printed in reports: no NUL, tab, ESC or other control.
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) {
            throw WireError("field '\(name)' must not hold control characters")
        }
        if s.utf8.count > EventDecoder.maxIdBytes {
            throw WireError("field '\(name)' is longer than \(EventDecoder.maxIdBytes) bytes")
        }
        return s
    }

    func id(_ key: String, path: String = "") throws(WireError) -> String {
        try Self.checkId(try requiredString(key, path: path), path + key)
    }

    func requiredString(_ key: String, path: String = "") throws(WireError) -> String {
        guard let v = present(key) else { throw WireError("missing required field '\(path + key)'") }
        guard case .string(let s) = v else { throw WireError("field '\(path + key)' must be a string, got \(v.typeName)") }
        return s
    }

    func optionalString(_ key: String, path: String = "") throws(WireError) -> String? {
        guard let v = present(key) else { return nil }
        guard case .string(let s) = v else { throw WireError("field '\(path + key)' must be a string, got \(v.typeName)") }
        return s
    }

    /// `limit` is what the caller accepts, named when a whole number written as 1e308 is past it.
    func optionalInt(_ key: String, path: String = "", limit: Int = Int.max) throws(WireError) -> Int? {
        guard let v = present(key) else { return nil }
        switch v {
        case .int(let i): return i
        case .double(let d):
            if d == d.rounded(), abs(d) < 9.0e15 { return Int(d) }
            if d == d.rounded() { throw WireError("field '\(path + key)' is too large (at most \(limit))") }
            throw WireError("field '\(path + key)' must be a whole number, got \(JSONWriter.number(d))")
        default:
            throw WireError("field '\(path + key)' must be an integer, got \(v.typeName)")
        }
    }

    /// A count of items: a whole number, zero or more.
    /// Counts above this are refused: sums of several stay far from overflow, and every count
    /// is exact as a JSON number in any language (2^53).
    static let maxCount = 1 << 53

    func optionalCount(_ key: String, path: String = "") throws(WireError) -> Int? {
        guard let n = try optionalInt(key, path: path, limit: Self.maxCount) else { return nil }
        if n < 0 { throw WireError("field '\(path + key)' must not be negative, got \(n)") }
        if n > Self.maxCount { throw WireError("field '\(path + key)' is too large (at most \(Self.maxCount))") }
        return n
    }

    func optionalPid(_ key: String) throws(WireError) -> Int32? {
        guard let n = try optionalInt(key) else { return nil }
        guard n > 0, n <= Int(Int32.max) else { throw WireError("field '\(key)' must be a process id (1...\(Int32.max)), got \(n)") }
        return Int32(n)
    }

    /// A list of strings (at most 1,000), as a set.
    func optionalStrings(_ key: String) throws(WireError) -> Set<String>? {
        guard let v = present(key) else { return nil }
        guard case .array(let items) = v, items.count <= 1_000 else {
            throw WireError("field '\(key)' must be a list of at most 1,000 strings, got \(v.typeName)")
        }
        var out = Set<String>()
        for item in items {
            guard case .string(let s) = item else { throw WireError("field '\(key)' must hold strings, got \(item.typeName)") }
            out.insert(s)
        }
        return out
    }

    func optionalBool(_ key: String) throws(WireError) -> Bool? {
        guard let v = present(key) else { return nil }
        guard case .bool(let b) = v else { throw WireError("field '\(key)' must be true or false, got \(v.typeName)") }
        return b
    }

    func optionalDouble(_ key: String, path: String = "") throws(WireError) -> Double? {
        guard let v = present(key) else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw WireError("field '\(path + key)' must be a number, got \(v.typeName)")
        }
    }

    /// A clock time: epoch seconds, or an RFC 3339 string with its zone.
    func optionalTime(_ key: String) throws(WireError) -> Double? {
        guard let v = present(key) else { return nil }
        let t: Double?
        switch v {
        case .int(let i): t = Double(i)
        case .double(let d): t = d
        case .string(let s): t = TimeText.epoch(s)
        default: t = nil
        }
        guard let t, t.isFinite, t >= 0, t < Event.latestTimestamp else {
            throw WireError("field '\(key)' must be a time: seconds since the epoch or RFC 3339 like \"2026-12-02T06:00:00Z\", got \(JSONWriter.string(v))")
        }
        return t
    }

    /// A length of time: seconds, or text like "2h", "90m", "1h30m".
    func optionalDuration(_ key: String) throws(WireError) -> Double? {
        guard let v = present(key) else { return nil }
        let d: Double?
        switch v {
        case .int(let i): d = Double(i)
        case .double(let x): d = x
        case .string(let s): d = DurationText.seconds(s)
        default: d = nil
        }
        guard let d, d.isFinite, d > 0, d < 1e9 else {
            throw WireError("field '\(key)' must be a positive duration: seconds, or text like \"2h\" or \"1h30m\", got \(JSONWriter.string(v))")
        }
        return d
    }

    func requiredDouble(_ key: String) throws(WireError) -> Double {
        guard let d = try optionalDouble(key) else { throw WireError("missing required field '\(key)'") }
        return d
    }

    func optionalEnum<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(WireError) -> E? where E.RawValue == String {
        guard let s = try optionalString(key) else { return nil }
        // Only the values an engine gives: a viewer's `unknown` is not a producer's word.
        guard let e = E(rawValue: s), E.allCases.contains(where: { $0.rawValue == s }) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw WireError("field '\(key)' must be one of \(allowed); got '\(s)'")
        }
        return e
    }

    func requiredEnum<E: RawRepresentable & CaseIterable>(_ key: String, _ t: E.Type) throws(WireError) -> E where E.RawValue == String {
        guard let e = try optionalEnum(key, t) else { throw WireError("missing required field '\(key)'") }
        return e
    }

    /// Labels: an object of scalars; numbers and booleans become their text.
    func labels(_ key: String) throws(WireError) -> [String: String] {
        guard let v = present(key) else { return [:] }
        guard case .object(let members) = v else { throw WireError("field '\(key)' must be an object, got \(v.typeName)") }
        var out: [String: String] = [:]
        for (k, value) in members {
            switch value {
            case .string(let s): out[k] = s
            case .int, .double, .bool: out[k] = JSONWriter.string(value)
            default: throw WireError("label '\(k)' must be a string, number or boolean, got \(value.typeName)")
            }
        }
        return out
    }
}
