import PipetopCore

/// Where alerts are sent: a webhook, a command, or a Prometheus Alertmanager
/// (`[[notify]]` in the config file; docs/ALERTS.md).
public struct NotifyTarget: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case webhook, command, alertmanager }

    public var kind: Kind
    /// The webhook's URL, or the Alertmanager's base URL (`/api/v2/alerts` is added).
    public var url: String?
    /// Run with `/bin/sh -c`, the alert as JSON on standard input.
    public var command: String?
    /// Alerts less severe than this are not sent.
    public var minSeverity: Alert.Severity
    /// Seconds one attempt may take.
    public var timeout: Double
    /// Attempts before giving up on one notification (backing off 1 s, 2 s, 4 s...).
    public var attempts: Int
    /// While an alert fires and nobody acknowledged it, send it again this often (seconds;
    /// Alertmanager needs it: an alert not re-sent expires there).
    public var repeatEvery: Double
    /// Job endings to send besides alerts ("tell me when it is done"): completed, failed,
    /// canceled. Empty: alerts only.
    public var on: Set<JobState> = []
    /// Only alerts and job endings of these pipelines (empty: every pipeline).
    public var pipelines: Set<String> = []
    /// Extra HTTP headers for webhooks and Alertmanager (a token), in the order given.
    public var headers: [Header] = []

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    /// The job endings a target may ask for.
    public static let jobStates: [JobState] = [.completed, .failed, .canceled]
    /// Headers pipetop writes itself (a target may not replace them: they frame the request).
    static let reservedHeaders: Set<String> = ["host", "content-length", "content-type", "connection", "transfer-encoding"]

    /// Whether alerts and job endings of `pipeline` go to this target (nil: pipetop's own).
    public func wants(pipeline: String?) -> Bool {
        pipelines.isEmpty || pipeline.map(pipelines.contains) == true
    }

    public init(kind: Kind, url: String? = nil, command: String? = nil, minSeverity: Alert.Severity = .warning, timeout: Double = 10,
                attempts: Int = 5, repeatEvery: Double? = nil) {
        self.kind = kind; self.url = url; self.command = command; self.minSeverity = minSeverity; self.timeout = timeout
        self.attempts = attempts; self.repeatEvery = repeatEvery ?? (kind == .alertmanager ? 60 : 4 * 3600)
    }

    public var name: String {
        switch kind {
        case .webhook, .alertmanager: return "\(kind.rawValue) \(url ?? "")"
        case .command: return "command \(command ?? "")"
        }
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads a `[[notify]]` table: type, url, command, min_severity, timeout, attempts, repeat,
    /// on (job endings), pipelines, headers.
    public static func parse(_ fields: [(String, JSONValue)]) throws(ParseError) -> NotifyTarget {
        var map: [String: JSONValue] = [:]
        for (k, v) in fields { map[k] = v }
        func fail(_ field: String, _ reason: String) -> ParseError { ParseError(description: "notify: \(field): \(reason)") }
        let known: Set<String> = ["type", "url", "command", "min_severity", "timeout", "attempts", "repeat", "on", "pipelines", "headers"]
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail(unknown, "unknown field (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard case .string(let t)? = map["type"], let kind = Kind(rawValue: t) else { throw fail("type", "webhook, command or alertmanager") }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(ParseError) -> Double? {
            switch map[key] {
            case nil: return nil
            case .int(let i)? where range.contains(Double(i)): return Double(i)
            case .double(let d)? where range.contains(d): return d
            default: throw fail(key, "a number from \(range.lowerBound) to \(range.upperBound)")
            }
        }
        var target = NotifyTarget(kind: kind)
        switch kind {
        case .webhook, .alertmanager:
            guard case .string(let u)? = map["url"], u.hasPrefix("http://") || u.hasPrefix("https://") else {
                throw fail("url", "required: an http:// or https:// URL")
            }
            target.url = u
        case .command:
            guard case .string(let c)? = map["command"], !c.isEmpty else { throw fail("command", "required: a shell command") }
            target.command = c
        }
        if let v = map["min_severity"] {
            guard case .string(let s) = v, let sev = Alert.Severity(rawValue: s) else { throw fail("min_severity", "info, warning or critical") }
            target.minSeverity = sev
        }
        if let t = try number("timeout", 0.1...300) { target.timeout = t }
        if let a = try number("attempts", 1...100) { target.attempts = Int(a) }
        if let r = try number("repeat", 10...604_800) { target.repeatEvery = r }
        func strings(_ key: String) throws(ParseError) -> [String]? {
            guard let v = map[key] else { return nil }
            guard case .array(let items) = v else { throw fail(key, "a list of strings") }
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item, !s.isEmpty else { throw fail(key, "a list of strings") }
                out.append(s)
            }
            return out
        }
        if let states = try strings("on") {
            guard kind != .alertmanager else { throw fail("on", "Alertmanager takes alerts only; send job endings to a webhook or a command") }
            for s in states {
                guard let st = JobState(rawValue: s), Self.jobStates.contains(st) else {
                    throw fail("on", "'\(s)' is not a job ending (\(Self.jobStates.map(\.rawValue).joined(separator: ", ")))")
                }
                target.on.insert(st)
            }
        }
        if let p = try strings("pipelines") { target.pipelines = Set(p) }
        if let v = map["headers"] {
            guard kind != .command else { throw fail("headers", "only for webhook and alertmanager targets") }
            guard case .object(let members) = v else { throw fail("headers", "a table of strings, like { Authorization = \"Bearer ...\" }") }
            for (name, value) in members {
                // A header name is a token; a value holds no line break (it would start a new
                // header, or the body, of the request).
                guard !name.isEmpty, name.utf8.allSatisfy({ $0 < 0x80 && ($0 == 0x2D || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)) }) else {
                    throw fail("headers", "'\(name)' is not a header name (letters, digits and -)")
                }
                guard !Self.reservedHeaders.contains(name.lowercased()) else { throw fail("headers", "\(name) is set by pipetop itself") }
                guard case .string(let text) = value, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                    throw fail("headers", "\(name): a string without control characters or line breaks")
                }
                target.headers.append(Header(name: name, value: text))
            }
        }
        return target
    }
}
