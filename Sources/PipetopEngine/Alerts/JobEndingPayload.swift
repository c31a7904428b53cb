import PipetopCore
import PipetopWire

/// A job's ending as notification targets receive it ("tell me when the nightly import is
/// done"): how long it took, its counts, and how that compares with its pipeline's past runs.
enum JobEndingPayload {
    /// The ledger's key: one ending per run.
    static func key(_ job: Job) -> String { "job:\(job.id)#\(job.run)" }

    static func webhook(_ job: Job, in state: PipelineState, host: String) -> JSONValue {
        let skew = job.clockSkew ?? 0
        let ended = job.endedAt ?? job.updatedAt
        let duration = max(0, ended - job.startedAt)
        let pipeline = RunSummary.pipeline(of: job)
        var done = 0, failed = 0, skipped = 0, total: Int? = 0
        for p in job.phases {
            done += p.done; failed += p.failed; skipped += p.skipped
            total = total.flatMap { t in p.effectiveTotal.map { t + $0 } }
        }
        // Earlier completed runs of the pipeline, this one left out.
        let past = (state.history[pipeline] ?? []).filter { $0.status == .completed && !($0.job == job.id && $0.run == job.run) }
            .suffix(Estimator.runsUsed).map(\.duration)
        var usual: JSONValue = .null
        if let p50 = percentile(past, 50), p50 > 0 {
            let ratio = duration / p50
            let change = Int(((ratio - 1) * 100).rounded())
            let text = abs(change) < 5 ? "as long as usual" : change > 0 ? "\(change)% longer than usual" : "\(-change)% shorter than usual"
            usual = .object([
                ("runs", .int(past.count)), ("p50_s", .double(p50)), ("ratio", .double((ratio * 1000).rounded() / 1000)),
                ("text", .string("\(text) (p50 \(Format.duration(p50)) over \(past.count) run\(past.count == 1 ? "" : "s"))")),
            ])
        }
        var deadline: JSONValue = .null
        if let d = job.deadline, let due = d.due(startedAt: job.startedAt + skew) {
            deadline = .object([("due", .string(Format.iso8601(due))), ("source", .string(d.source)),
                                ("met", .bool(d.met(startedAt: job.startedAt + skew, endedAt: ended + skew, completed: job.state == .completed)))])
        }
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return .object([
            ("source", .string("pipetop")), ("type", .string("job")), ("status", .string(job.state.rawValue)), ("host", .string(host)),
            ("job", .object([
                ("id", .string(job.id)), ("name", .string(job.name)), ("pipeline", .string(pipeline)), ("run", .int(job.run)),
                ("state", .string(job.state.rawValue)), ("error", opt(job.error)),
                ("started_at", .string(Format.iso8601(job.startedAt + skew))), ("ended_at", .string(Format.iso8601(ended + skew))),
                ("duration_s", .double((duration * 1000).rounded() / 1000)), ("duration", .string(Format.duration(duration))),
                ("done", .int(done)), ("failed", .int(failed)), ("skipped", .int(skipped)), ("total", total.map(JSONValue.int) ?? .null),
                ("phases", .array(job.phases.map { p in
                    .object([("id", .string(p.id)), ("name", .string(p.name)), ("state", .string(p.state.rawValue)),
                             ("done", .int(p.done)), ("failed", .int(p.failed)), ("skipped", .int(p.skipped)),
                             ("total", p.effectiveTotal.map(JSONValue.int) ?? .null),
                             ("duration_s", p.startedAt.map { s in .double((((p.endedAt ?? ended) - s) * 1000).rounded() / 1000) } ?? .null)])
                })),
                ("labels", .object(job.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("deadline", deadline),
                ("usual", usual),
            ])),
        ])
    }
}
