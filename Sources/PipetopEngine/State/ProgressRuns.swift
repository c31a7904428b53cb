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
        var overwritten: Int?
        modify(job) { runs in
            guard let k = runs.firstIndex(where: { $0.phase == p.phase }) else {
                runs.append(Run(phase: p.phase, latest: nil, fields: f))
                return
            }
            if let latest = runs[k].latest, Self.supersedes(f, runs[k].fields) {
                overwritten = latest
            } else {
                runs[k].latest = next
            }
            runs[k].fields = f
        }
        return overwritten
    }

    private mutating func modify(_ job: String, _ body: (inout [Run]) -> Void) {
        body(&byJob[job, default: []])
    }

    /// Any other event of `job` arrives: nothing before it is overwritten any more.
    mutating func end(job: String) {
        if job == Event.anyJob { removeAll() } else if !byJob.isEmpty { byJob[job] = nil }
    }

    mutating func removeAll() {
        if !byJob.isEmpty { byJob.removeAll() }
    }
}
