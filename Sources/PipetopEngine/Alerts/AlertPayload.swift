import PipetopCore
import PipetopWire

/// An alert as notification targets receive it (docs/ALERTS.md "Notifications"). The job's
/// labels come with the alert's own (which win), so a receiver can route on `team=...`.
enum AlertPayload {
    static func labels(_ a: Alert, job: Job?) -> [(String, String)] {
        (job?.labels ?? [:]).merging(a.labels ?? [:]) { _, own in own }.sorted { $0.key < $1.key }
    }

    /// What a webhook or command receives.
    static func webhook(_ a: Alert, status: String, job: Job?, host: String) -> JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let pipeline = job.map(RunSummary.pipeline(of:))
        return .object([
            ("source", .string("pipetop")), ("type", .string("alert")), ("status", .string(status)), ("host", .string(host)),
            ("alert", .object([
                ("id", .string(a.id)), ("job", .string(a.job)), ("job_name", opt(job?.name)), ("pipeline", opt(pipeline)),
                ("phase", opt(a.phase)), ("kind", .string(a.kind)), ("rule", .string(a.ruleName)),
                ("severity", .string(a.severity.rawValue)), ("message", .string(a.message)), ("count", .int(a.count)),
                ("first_at", .string(Format.iso8601(a.firstAt))), ("last_at", .string(Format.iso8601(a.lastAt))),
                ("resolved_at", a.resolvedAt.map { .string(Format.iso8601($0)) } ?? .null),
                ("acknowledged_by", opt(a.ack?.by)),
                ("details", .array((a.details ?? []).map(JSONValue.string))),
                ("labels", .object(labels(a, job: job).map { ($0.0, .string($0.1)) })),
                ("context", a.context ?? .null),
            ])),
        ])
    }

    /// What Alertmanager's POST /api/v2/alerts takes: one alert with labels, annotations,
    /// startsAt and endsAt (in the past once resolved; a few minutes ahead while firing, so an
    /// alert pipetop stops re-sending expires).
    static func alertmanager(_ a: Alert, job: Job?, host: String, at: Double) -> JSONValue {
        var labels: [(String, JSONValue)] = [("alertname", .string(a.ruleName)), ("job", .string(a.job)),
                                             ("severity", .string(a.severity.rawValue)), ("instance", .string(host))]
        if let p = a.phase { labels.append(("phase", .string(p))) }
        if let job { labels.append(("pipeline", .string(RunSummary.pipeline(of: job)))) }
        for (k, v) in Self.labels(a, job: job) where !labels.contains(where: { $0.0 == k }) {
            labels.append((k, .string(v)))
        }
        let ends = a.resolvedAt ?? (at + 300)
        return .array([.object([
            ("labels", .object(labels)),
            ("annotations", .object([("summary", .string(a.message)), ("pipetop_id", .string(a.id))]
                                    + (a.details.map { [("description", .string($0.joined(separator: "\n")))] } ?? []))),
            ("startsAt", .string(Format.iso8601(a.firstAt))), ("endsAt", .string(Format.iso8601(ends))),
        ])])
    }
}
