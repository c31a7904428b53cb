import PipetopCore

/// The rows of each list, in the order shown and after the `/` filter: one place, so the
/// views that draw them and the navigator that moves through them always agree.
public enum Lists {
    /// The id of the row that stands for the finished jobs folded away (`foldFinished`).
    public static let foldedID = "\u{0}finished"
    /// Finished jobs that ended longer ago than this fold into one row on the overview.
    public static let foldAfter = 600.0

    /// The overview's rows: `jobs`, with the finished jobs that ended more than `foldAfter` ago
    /// (and need nobody) folded into one last row, "N finished", unless `unfold` (Enter on it)
    /// or a filter asks for them. At least two, or folding saves nothing.
    public static func overview(_ s: Board, filter: String?, show: JobShow, sort: JobSort, reversed: Bool, unfold: Bool) -> [BoardJob] {
        let rows = jobs(s, filter: filter, show: show, sort: sort, reversed: reversed)
        guard !unfold, show == .all, filter?.isEmpty ?? true else { return rows }
        let alerting = s.alertingJobs
        func old(_ j: BoardJob) -> Bool {
            j.state.isTerminal && j.state != .failed && !alerting.contains(j.id) && s.at - (j.endedAt ?? s.at) > foldAfter
        }
        let folded = rows.filter(old)
        guard folded.count >= 2 else { return rows }
        let newest = folded.compactMap(\.endedAt).max() ?? s.at
        return rows.filter { !old($0) } + [BoardJob(id: foldedID, name: "\(folded.count) finished more than \(Int(foldAfter / 60)) minutes ago", state: .completed,
                                                  startedAt: folded.map(\.startedAt).min() ?? s.at, endedAt: newest)]
    }

    /// Jobs: by default in attention order (the Board's, `JobAttention`: failed, lost or
    /// alerting first, then the ones still going, then the finished ones, newest first inside
    /// each group); or in the order `sort` says (ties: that default). Reversed, the attention
    /// order turns its groups round, still newest first inside each.
    public static func jobs(_ s: Board, filter: String?, show: JobShow = .all, sort: JobSort = .attention, reversed: Bool = false) -> [BoardJob] {
        let alerting = s.alertingJobs
        let openKinds = filter?.isEmpty == false ? Dictionary(grouping: s.alerts.filter(\.isOpen), by: \.job).mapValues { $0.map(\.ruleName) } : [:]
        // The keys are sorted, not the jobs: moving whole jobs about was a fifth of a busy
        // dashboard's time (profiled at 10 frames a second with 50 jobs).
        var keys = s.jobs.indices.compactMap { i -> (attention: JobAttention, index: Int)? in
            let j = s.jobs[i]
            guard show.includes(j, alerting: alerting.contains(j.id)),
                  filter?.isEmpty ?? true || matches(filter, rowWords(j, alerting: alerting.contains(j.id), alertKinds: openKinds[j.id] ?? [])) else { return nil }
            return (JobAttention(j, alerting: alerting.contains(j.id)), i)
        }
        keys.sort { a, b in
            if sort != .attention, let first = sort.before(s.jobs[a.index], s.jobs[b.index], at: s.at) { return first != reversed }
            if a.attention.group != b.attention.group { return (a.attention.group < b.attention.group) != (sort == .attention && reversed) }
            return a.attention < b.attention
        }
        return keys.map { s.jobs[$0.index] }
    }

    public static func phases(_ job: BoardJob, filter: String?) -> [BoardPhase] {
        job.phases.filter { matches(filter, $0.name, $0.id, $0.state.rawValue) }
    }

    public static func steps(_ phase: BoardPhase, filter: String?) -> [Step] {
        let items = phase.steps.items ?? []
        guard let f = filter, !f.isEmpty else { return items }
        return items.filter { matches(f, $0.id, $0.state.rawValue, $0.detail ?? "") }
    }

    /// Alerts for a job (or all), in the order a person wants them.
    public static func alerts(_ s: Board, job: String? = nil, phase: String? = nil, filter: String?) -> [Alert] {
        let names = Dictionary(s.jobs.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return s.alerts.filter {
            (job == nil || $0.job == job) && (phase == nil || $0.phase == phase)
                && matches(filter, $0.message, $0.job, $0.phase ?? "", $0.severity.rawValue, names[$0.job] ?? "")
        }
    }

    /// What a job's row says, in words a filter can match: its name (with the host, when
    /// attached), id, state, run, labels (`key=value`), "stalled", "alerting", and the kinds of
    /// its open alerts ("lost", "job-failed", ...).
    static func rowWords(_ j: BoardJob, alerting: Bool, alertKinds: [String]) -> [String] {
        var words = [j.name, j.id, j.state.rawValue, "run \(j.run)"] + j.labels.map { "\($0.key)=\($0.value)" } + alertKinds
        if j.stalledSince != nil && !j.state.isTerminal { words.append("stalled") }
        if alerting { words.append("alerting") }
        return words
    }

    /// Case-insensitive substring match on any of the fields; no filter matches everything.
    static func matches(_ filter: String?, _ fields: String...) -> Bool { matches(filter, fields) }

    static func matches(_ filter: String?, _ fields: [String]) -> Bool {
        guard let f = filter?.lowercased(), !f.isEmpty else { return true }
        return fields.contains { $0.lowercased().contains(f) }
    }
}
