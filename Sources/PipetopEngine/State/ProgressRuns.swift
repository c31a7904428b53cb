import PipetopCore

/// Which of a journal batch's progress rows a newer count may overwrite. Progress counts are
/// absolute, so of a run of updates to one phase only the first (it may start the phase, and
/// sets its start time) and the newest need writing: per job and phase, the row holding the
/// newest count is overwritten by a newer one that sets at least the same counts.
///
/// Any other event of the job (a step, a log line, the phase's end...) ends the job's runs:
/// what came before it stays as it was, in its place. Progress of another phase does not
/// (phases count apart). An event for every job (`*`) ends every run.
struct ProgressRuns {
    private struct Run {
        var phase: String
        /// The row holding the newest count (nil: only the run's first row so far).
        var latest: Int?
        /// The counts that row sets.
        var fields: UInt8
    }

    private var byJob: [String: [Run]] = [:]
    /// The run of the last update placed, kept out of `byJob` while it is: a read is mostly
    /// one phase's counts, and then no key is hashed.
    private var hot: (job: String, run: Run)?

    private static let done: UInt8 = 1, inc: UInt8 = 2, failed: UInt8 = 4, skipped: UInt8 = 8, total: UInt8 = 16

    static func fields(_ p: Event.Progress) -> UInt8 {
        (p.done != nil ? done : 0) | (p.inc != nil ? inc : 0) | (p.failed != nil ? failed : 0)
            | (p.skipped != nil ? skipped : 0) | (p.total != nil ? total : 0)
    }

    /// Whether an update setting `new` leaves nothing of one setting `old`: it is absolute
    /// (`inc` adds, so it is never merged into) and sets every count the old one set.
    static func supersedes(_ new: UInt8, _ old: UInt8) -> Bool {
        guard new & inc == 0 else { return false }
        var needed = old & ~inc
        if old & inc != 0 { needed |= done }
        return needed & ~new == 0
    }

    /// A progress update of `job` arrives and would be row `next`: the row it overwrites, or
    /// nil when it is appended.
    mutating func place(job: String, _ p: Event.Progress, next: Int) -> Int? {
        let f = Self.fields(p)
        if hot == nil || hot!.job != job || hot!.run.phase != p.phase {
            // Another phase: the hot run goes back to the table, this one comes out of it.
            if let h = hot { byJob[h.job, default: []].append(h.run) }
            var taken: Run?
            if let k = byJob[job]?.firstIndex(where: { $0.phase == p.phase }) { taken = byJob[job]!.remove(at: k) }
            guard let run = taken else {
                hot = (job, Run(phase: p.phase, latest: nil, fields: f))
                return nil
            }
            hot = (job, run)
        }
        var overwritten: Int?
        if let latest = hot!.run.latest, Self.supersedes(f, hot!.run.fields) {
            overwritten = latest
        } else {
            hot!.run.latest = next
        }
        hot!.run.fields = f
        return overwritten
    }

    /// Any other event of `job` arrives: nothing before it is overwritten any more.
    mutating func end(job: String) {
        if job == Event.anyJob { removeAll(); return }
        if hot?.job == job { hot = nil }
        if !byJob.isEmpty { byJob[job] = nil }
    }

    mutating func removeAll() {
        hot = nil
        if !byJob.isEmpty { byJob.removeAll() }
    }
}
