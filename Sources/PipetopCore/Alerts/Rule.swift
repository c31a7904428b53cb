/// A threshold on something the engine knows, with a lifecycle: the condition must hold for
/// `for` seconds before the alert fires, and it clears only past `clear` (hysteresis).
/// docs/ALERTS.md lists the metrics and the built-in rules.
public struct Rule: Sendable, Codable, Equatable {
    public enum Comparison: String, Sendable, Codable, CaseIterable {
        case above = ">", atLeast = ">=", below = "<", atMost = "<=", equal = "==", notEqual = "!="

        public func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .above: return value > threshold
            case .atLeast: return value >= threshold
            case .below: return value < threshold
            case .atMost: return value <= threshold
            case .equal: return value == threshold
            case .notEqual: return value != threshold
            }
        }
    }

    /// Unique among the rules: the alert's kind is `rule:NAME`.
    public var name: String
    public var metric: RuleMetric
    public var op: Comparison
    /// Fires when `metric op value` has held for `forSeconds`.
    public var value: Double
    /// Clears when `metric op clear` no longer holds (defaults to `value`).
    public var clear: Double
    public var forSeconds: Double
    public var severity: Alert.Severity
    public var labels: [String: String]
    /// Only jobs whose labels include all of these (and, with `job`, only that job).
    public var match: [String: String]
    public var job: String?
    /// For windowed metrics (error rate): how far back to look, seconds.
    public var window: Double
    public var enabled: Bool
    /// A failed or lost job does not also get this rule's alerts (stalled, slow...).
    public var inhibitedByFailure: Bool
    /// Built into pipetop (switchable off by name) rather than configured.
    public var builtin: Bool
    /// Declared by a job (in `job.start` or a `rule` message) rather than configured.
    public var declaredByJob = false
    public var message: String?
    /// Its alert stays open once the condition is gone, until someone acknowledges it (a
    /// person must see it, however brief the cause).
    public var keepUntilAcknowledged: Bool {
        get { keepUntilAck ?? false }
        set { keepUntilAck = newValue ? true : nil }
    }
    /// Stored optional: snapshots written before it have no such key.
    private var keepUntilAck: Bool?

    public init(name: String, metric: RuleMetric, op: Comparison = .above, value: Double, clear: Double? = nil, forSeconds: Double = 0,
                severity: Alert.Severity = .warning, labels: [String: String] = [:], match: [String: String] = [:], job: String? = nil,
                window: Double = 300, enabled: Bool = true, inhibitedByFailure: Bool = false, builtin: Bool = false, message: String? = nil) {
        self.name = name; self.metric = metric; self.op = op; self.value = value; self.clear = clear ?? value
        self.forSeconds = forSeconds; self.severity = severity; self.labels = labels; self.match = match; self.job = job
        self.window = window; self.enabled = enabled; self.inhibitedByFailure = inhibitedByFailure; self.builtin = builtin
        self.message = message
    }

    public var kind: String { "rule:" + name }

    /// Whether this rule looks at `job` at all.
    public func applies(to job: Job) -> Bool {
        if let j = self.job, j != job.id && j != job.name { return false }
        return match.allSatisfy { job.labels[$0.key] == $0.value }
    }
}

/// What a rule measures. Phase metrics are evaluated for each running phase, job metrics for
/// each unfinished job, host metrics once.
public enum RuleMetric: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Items per second of the phase (recent).
    case phaseRate
    /// Items per second summed over the job's running phases.
    case jobRate
    /// Error log lines plus failed items of the job.
    case errors
    /// Share (0-100) of items that failed, and error log lines per item, over the rule's window.
    case errorRate
    /// How far (%) the job's estimated finish has moved later since its running phase began.
    case etaSlip
    /// Seconds since the phase last moved.
    case idle
    /// Seconds the phase has been stalled (0 unless longer than its gaps warrant; docs/ETA.md).
    case stalled
    /// The phase's working time as a share (%) of its p95 in past runs (needs 3 runs).
    case p95Share
    /// CPU% of the job's process tree (100 = one core).
    case cpu
    /// Resident memory of the job's process tree, bytes.
    case rss
    /// The job's resident memory as a share (%) of the host's memory, or of its cgroup's
    /// memory limit when that is lower.
    case rssShare
    /// Host memory in use, %.
    case hostMemory
    /// 1 when the job's process is gone without a job.end, else 0.
    case lost
    /// Seconds since the job started (wall time, pauses included).
    case jobElapsed
    /// Seconds since the phase started.
    case phaseElapsed
    /// When the job is expected to finish (epoch seconds), from its estimate.
    case finishETA
    /// Seconds from the late end of the estimate's 80% range to the job's deadline (negative:
    /// likely late); only for jobs with a deadline.
    case deadlineMargin
    /// A custom `metric` the job reports (latest value; the phase's own when it has one).
    case custom(String)

    public enum Scope { case phase, job, host }

    public var scope: Scope {
        switch self {
        case .phaseRate, .idle, .stalled, .p95Share, .phaseElapsed: return .phase
        case .hostMemory: return .host
        default: return .job
        }
    }

    static let names: [(String, RuleMetric)] = [
        ("phase.rate", .phaseRate), ("job.rate", .jobRate), ("job.errors", .errors), ("job.error_rate", .errorRate),
        ("job.eta_slip", .etaSlip), ("phase.idle", .idle), ("phase.stalled", .stalled), ("phase.p95_share", .p95Share),
        ("job.cpu", .cpu), ("job.rss", .rss), ("job.rss_share", .rssShare), ("host.memory", .hostMemory), ("job.lost", .lost),
        ("job.elapsed", .jobElapsed), ("phase.elapsed", .phaseElapsed), ("job.finish_eta", .finishETA),
        ("job.deadline_margin", .deadlineMargin),
    ]

    public var description: String {
        if case .custom(let n) = self { return "metric:" + n }
        return Self.names.first { $0.1 == self }!.0
    }

    /// Parses a metric name: one of `names`, or `metric:NAME` for a custom one.
    public init?(name: String) {
        if name.hasPrefix("metric:"), name.count > 7 {
            self = .custom(String(name.dropFirst(7)))
            return
        }
        guard let m = Self.names.first(where: { $0.0 == name }) else { return nil }
        self = m.1
    }

    public static var allNames: [String] { names.map(\.0) + ["metric:NAME"] }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let m = RuleMetric(name: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown metric \(name)"))
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Why a rule was refused: names the rule and the field.
public struct RuleError: Error, Equatable, Sendable, CustomStringConvertible {
    public var rule: String
    public var field: String
    public var reason: String
    public var description: String { "rule '\(rule)': \(field): \(reason)" }
}

extension Rule {
    /// Reads a rule from its fields (from the config file or a `rule` message), checking each.
    ///
    /// Fields: name, metric, op (>, >=, <, <=; default >), value, clear, for (seconds),
    /// severity (info, warning, critical), labels, match, job, window (seconds), enabled,
    /// message, keep_until_ack.
    public static func parse(_ fields: [(String, JSONValue)], defaultName: String? = nil) throws(RuleError) -> Rule {
        var map: [String: JSONValue] = [:]
        for (k, v) in fields { map[k] = v }
        let name: String
        switch map["name"] {
        case .string(let s)? where !s.isEmpty && s.count <= 64: name = s
        case nil where defaultName != nil: name = defaultName!
        default: throw RuleError(rule: defaultName ?? "?", field: "name", reason: "required: a string of 1 to 64 characters")
        }
        func fail(_ field: String, _ reason: String) -> RuleError { RuleError(rule: name, field: field, reason: reason) }
        let known: Set<String> = ["name", "metric", "op", "value", "clear", "for", "severity", "labels", "match", "job", "window",
                                  "enabled", "message", "keep_until_ack"]
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail(unknown, "unknown field (known: \(known.sorted().joined(separator: ", ")))")
        }
        func number(_ key: String) throws(RuleError) -> Double? {
            switch map[key] {
            case nil: return nil
            case .int(let i)?: return Double(i)
            case .double(let d)? where d.isFinite: return d
            default: throw fail(key, "must be a number")
            }
        }
        func strings(_ key: String) throws(RuleError) -> [String: String] {
            switch map[key] {
            case nil: return [:]
            case .object(let o)?:
                var out: [String: String] = [:]
                for (k, v) in o {
                    guard case .string(let s) = v else { throw fail(key, "values must be strings") }
                    out[k] = s
                }
                return out
            default: throw fail(key, "must be a table of strings")
            }
        }
        guard case .string(let metricName)? = map["metric"] else { throw fail("metric", "required (one of \(RuleMetric.allNames.joined(separator: ", ")))") }
        guard let metric = RuleMetric(name: metricName) else {
            throw fail("metric", "unknown '\(metricName)' (one of \(RuleMetric.allNames.joined(separator: ", ")))")
        }
        var op = Comparison.above
        if let v = map["op"] {
            guard case .string(let s) = v, let o = Comparison(rawValue: s) else { throw fail("op", "one of >, >=, <, <=, ==, !=") }
            op = o
        }
        guard let value = try number("value") else { throw fail("value", "required: the threshold") }
        let clear = try number("clear") ?? value
        // The clear threshold must sit on the calm side of the fire threshold; an equality has none.
        if (op == .equal || op == .notEqual) && clear != value {
            throw fail("clear", "means nothing with \(op.rawValue): the alert clears when the value is no longer \(op == .equal ? "equal to" : "other than") \(value)")
        }
        if op == .above || op == .atLeast ? clear > value : (op == .below || op == .atMost) && clear < value {
            throw fail("clear", "must be on the other side of value (\(op.rawValue) \(value) fires; clearing at \(clear) never would)")
        }
        let forSeconds = try number("for") ?? 0
        if forSeconds < 0 || forSeconds > 7 * 86_400 { throw fail("for", "seconds, 0 to 604800") }
        let window = try number("window") ?? 300
        if window < 10 || window > 86_400 { throw fail("window", "seconds, 10 to 86400") }
        var severity = Alert.Severity.warning
        if let v = map["severity"] {
            guard case .string(let s) = v, let sev = Alert.Severity(rawValue: s) else { throw fail("severity", "one of info, warning, critical") }
            severity = sev
        }
        var enabled = true
        if let v = map["enabled"] {
            guard case .bool(let b) = v else { throw fail("enabled", "true or false") }
            enabled = b
        }
        var job: String?
        if let v = map["job"] {
            guard case .string(let s) = v else { throw fail("job", "a job id or name") }
            job = s
        }
        var message: String?
        if let v = map["message"] {
            guard case .string(let s) = v else { throw fail("message", "a string") }
            message = s
        }
        var rule = Rule(name: name, metric: metric, op: op, value: value, clear: clear, forSeconds: forSeconds, severity: severity,
                        labels: try strings("labels"), match: try strings("match"), job: job, window: window, enabled: enabled,
                        message: message)
        if let v = map["keep_until_ack"] {
            guard case .bool(let b) = v else { throw fail("keep_until_ack", "true or false") }
            rule.keepUntilAcknowledged = b
        }
        return rule
    }
}
