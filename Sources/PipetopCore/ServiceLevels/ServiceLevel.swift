import Foundation

/// A pipeline's promise, configured with `[[sla]]`: "nightly-import must finish by 06:00",
/// "at most 2h", "starts every 24h". Runs of the pipeline get a `Deadline` when they start;
/// `every` makes a missing run an alert (docs/ALERTS.md "Deadlines and SLAs").
public struct ServiceLevel: Sendable, Codable, Equatable {
    /// The pipeline label (a job's `pipeline` label, else its name).
    public var pipeline: String
    /// A local time of day, as hour and minute: the first such time after a run starts is its
    /// deadline.
    public var finishBy: ClockTime?
    /// Time zone of `finishBy` (IANA name); nil: the engine's.
    public var timeZone: String?
    public var maxDuration: Double?
    /// How often a run is expected to start; nil: no expectation.
    public var every: Double?
    /// How late a run may start before it counts as missing.
    public var grace: Double

    public struct ClockTime: Sendable, Codable, Equatable, CustomStringConvertible {
        public var hour: Int
        public var minute: Int
        public init(hour: Int, minute: Int) { self.hour = hour; self.minute = minute }
        public var description: String { (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)" }

        /// "06:00", "6:30", "23:59".
        public init?(_ text: String) {
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
                  (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            hour = h; minute = m
        }
    }

    public init(pipeline: String, finishBy: ClockTime? = nil, timeZone: String? = nil, maxDuration: Double? = nil,
                every: Double? = nil, grace: Double? = nil) {
        self.pipeline = pipeline; self.finishBy = finishBy; self.timeZone = timeZone; self.maxDuration = maxDuration
        self.every = every
        // A daily run may start an hour late before it is missing; an hourly one 2.5 minutes.
        self.grace = grace ?? every.map { min(3600, $0 / 24) } ?? 0
    }

    /// The deadline of a run of this pipeline that starts at `start` (engine clock).
    public func deadline(forRunStartingAt start: Double) -> Deadline? {
        guard finishBy != nil || maxDuration != nil else { return nil }
        return Deadline(finishBy: finishBy.flatMap { next($0, after: start) }, maxDuration: maxDuration, source: "sla \(pipeline)")
    }

    /// The first `time` of day strictly after `t`, in the configured zone.
    func next(_ time: ClockTime, after t: Double) -> Double? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
        let date = calendar.nextDate(after: Date(timeIntervalSince1970: t), matching: DateComponents(hour: time.hour, minute: time.minute, second: 0),
                                     matchingPolicy: .nextTime)
        return date?.timeIntervalSince1970
    }

    /// What it promises, in words: "finish by 06:00, within 2h, every 24h".
    public var summary: String {
        var parts: [String] = []
        if let f = finishBy { parts.append("finish by \(f)" + (timeZone.map { " \($0)" } ?? "")) }
        if let d = maxDuration { parts.append("within \(DurationText.text(d))") }
        if let e = every { parts.append("start every \(DurationText.text(e))") }
        return parts.joined(separator: ", ")
    }
}

/// Why an `[[sla]]` table was refused: names the field.
public struct ServiceLevelError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

extension ServiceLevel {
    /// Reads an `[[sla]]` table: pipeline, finish_by ("06:00"), timezone, max_duration,
    /// every, grace (durations as "2h", "90m", or seconds).
    public static func parse(_ fields: [(String, JSONValue)]) throws(ServiceLevelError) -> ServiceLevel {
        var map: [String: JSONValue] = [:]
        for (k, v) in fields { map[k] = v }
        let known: Set<String> = ["pipeline", "finish_by", "timezone", "max_duration", "every", "grace"]
        func fail(_ field: String, _ reason: String) -> ServiceLevelError {
            let name = if case .string(let p)? = map["pipeline"] { " '\(p)'" } else { "" }
            return ServiceLevelError(description: "sla\(name): \(field): \(reason)")
        }
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail(unknown, "unknown field (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard case .string(let pipeline)? = map["pipeline"], !pipeline.isEmpty else {
            throw fail("pipeline", "required: the pipeline's label (its jobs' `pipeline` label, else their name)")
        }
        func duration(_ key: String) throws(ServiceLevelError) -> Double? {
            switch map[key] {
            case nil: return nil
            case .int(let i)? where i > 0: return Double(i)
            case .double(let d)? where d > 0 && d.isFinite: return d
            case .string(let s)?:
                guard let v = DurationText.seconds(s) else { throw fail(key, "'\(s)' is not a duration (like 90m, 2h, 1d, 1h30m)") }
                return v
            default: throw fail(key, "a duration like \"2h\" or a number of seconds")
            }
        }
        var finishBy: ClockTime?
        if let v = map["finish_by"] {
            guard case .string(let s) = v, let c = ClockTime(s) else { throw fail("finish_by", "a time of day like \"06:00\"") }
            finishBy = c
        }
        var zone: String?
        if let v = map["timezone"] {
            guard case .string(let s) = v, TimeZone(identifier: s) != nil else { throw fail("timezone", "an IANA time zone like \"Europe/Paris\"") }
            guard finishBy != nil else { throw fail("timezone", "only means something with finish_by") }
            zone = s
        }
        let level = ServiceLevel(pipeline: pipeline, finishBy: finishBy, timeZone: zone, maxDuration: try duration("max_duration"),
                                 every: try duration("every"), grace: try duration("grace"))
        guard level.finishBy != nil || level.maxDuration != nil || level.every != nil else {
            throw fail("pipeline", "says nothing: give finish_by, max_duration or every")
        }
        if map["grace"] != nil && level.every == nil { throw fail("grace", "only means something with every") }
        return level
    }
}
