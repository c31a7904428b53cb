import PipetopCore

/// The overview's job list: column titles, then a row per job in a window that keeps the
/// selected one in view ("JOB 4-9 of 30" when they do not all fit). Full width: its columns
/// (`JobColumns`) start at the screen's left edge.
struct JobList: Widget {
    /// The jobs in the order shown, after the filter.
    var jobs: [BoardJob]
    var selected: String?
    /// False while the alerts pane has the cursor.
    var showsCursor: Bool
    /// Jobs with an alert that needs someone: marked in their row.
    var alerting: Set<String>
    var state: Board
    var now: Double
    /// Cut off from the engine: unfinished jobs are as they were when last seen.
    var stale = false
    var glyphs: Glyphs
    var theme: Theme
    var sort = JobSort.attention
    var reversed = false
    /// What is shown when no job is: "no job matches the filter", "no active job"...
    var emptyText = "no job matches the filter"

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height > 0 else { return }
        let cols = JobColumns(width: r.width, jobs: jobs.filter { $0.id != Lists.foldedID })
        let rows = r.height - 1
        cols.titles(&g, y: r.y, sort: sort, reversed: reversed, glyphs: glyphs, theme: theme)
        let labels = Self.labels(jobs)
        let selIndex = selected.flatMap { s in jobs.firstIndex { $0.id == s } } ?? 0
        let window = ListState.window(selected: selIndex, count: jobs.count, rows: rows)
        for (row, i) in window.enumerated() {
            let job = jobs[i]
            g.mark(Rect(x: r.x, y: r.y + 1 + row, width: r.width, height: 1), .job(job.id))
            if job.id == Lists.foldedID {
                // The finished jobs folded away: one dim row that Enter opens.
                let isSel = job.id == selected && showsCursor
                if isSel { g.paint(Rect(x: r.x, y: r.y + 1 + row, width: r.width, height: 1), theme.selection) }
                if isSel { g.put(glyphs.selected, x: r.x, y: r.y + 1 + row, style: theme.title) }
                g.put(glyphs.job(.completed) + " " + job.name + " \(glyphs.dot) Enter shows them", x: r.x + 2, y: r.y + 1 + row,
                      style: isSel ? theme.dim.on(theme.selection.bg) : theme.dim, limit: r.maxX)
                continue
            }
            cols.row(&g, y: r.y + 1 + row, job: job, label: labels[job.id] ?? job.name, state: state, selected: job.id == selected && showsCursor,
                     alerting: alerting.contains(job.id), now: now, stale: stale, glyphs: glyphs, theme: theme)
        }
        if jobs.isEmpty {
            g.put(emptyText, x: 4, y: r.y + 1, style: theme.dim)
        }
        if jobs.count > rows {
            // Never cut: a cut count reads as another number ("of 1" for "of 14").
            let full = "JOB \(window.lowerBound + 1)-\(window.lowerBound + rows) of \(jobs.count)"
            let short = "\(window.lowerBound + 1)-\(window.lowerBound + rows)/\(jobs.count)"
            let shown = TextWidth.columns(full) <= cols.nameWidth ? full : TextWidth.columns(short) <= cols.nameWidth ? short : "JOB"
            g.fill(Rect(x: 4, y: r.y, width: cols.nameWidth, height: 1), theme.text)
            g.put(shown, x: 4, y: r.y, style: theme.dim.with(.bold), limit: 4 + cols.nameWidth)
        }
    }

    /// What each row calls its job: the name, told apart from others of the same name by the
    /// run number ("etl #3"), or by the start time when the runs' numbers are the same too.
    static func labels(_ jobs: [BoardJob]) -> [String: String] {
        var out: [String: String] = [:]
        for (_, same) in Dictionary(grouping: jobs, by: \.name) where same.count > 1 {
            let runs = Dictionary(grouping: same, by: \.run)
            for j in same {
                out[j.id] = runs[j.run]!.count == 1 ? "\(j.name) #\(j.run)" : "\(j.name) \(Format.clock(j.startedAt))"
            }
        }
        return out
    }
}
