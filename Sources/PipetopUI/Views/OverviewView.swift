import PipetopCore

/// The first screen: every job in a list, and the selected job's phases as a flow with a
/// progress bar each, its running sub-steps and its latest log lines.
public enum OverviewView {
    public static let minWidth = 40
    public static let minHeight = 10

    public static func render(_ m: DashboardModel, width: Int, height: Int, glyphs: Glyphs, theme: Theme) -> Grid {
        var g = Grid(width: width, height: height)
        if width < minWidth || height < minHeight {
            TooSmall.draw(into: &g, need: (minWidth, minHeight), theme: theme)
            return g
        }
        let jobs = m.sortedJobs
        header(&g, m, jobs: jobs, glyphs: glyphs, theme: theme)
        let footerY = height - 1
        Footer.draw(into: &g, y: footerY, width: width, bindings: KeyTable.bindings, status: linkStatus(m),
                    statusStyle: linkStyle(m, theme), glyphs: glyphs, theme: theme)
        if jobs.isEmpty {
            emptyState(&g, m, theme: theme)
            return g
        }
        let selected = m.selected
        let cols = JobColumns(width: width, jobs: jobs)
        // Room: header (1), column titles (1), list, detail, footer (1).
        let available = height - 3
        let detailWants = 3 + (selected?.phases.count ?? 0) + 4
        let minList = min(jobs.count, 3)
        let listRows = max(minList, min(jobs.count, available - detailWants))
        cols.titles(&g, y: 1, theme: theme)
        let selIndex = selected.flatMap { s in jobs.firstIndex { $0.id == s.id } } ?? 0
        let first = max(0, min(selIndex - listRows / 2, jobs.count - listRows))
        for row in 0..<listRows where first + row < jobs.count {
            let job = jobs[first + row]
            cols.row(&g, y: 2 + row, job: job, selected: job.id == selected?.id, now: m.now, glyphs: glyphs, theme: theme)
        }
        if jobs.count > listRows {
            g.put("JOB \(first + 1)-\(first + listRows) of \(jobs.count)", x: 4, y: 1, style: theme.dim.with(.bold), limit: 4 + cols.nameWidth)
        }
        if let job = selected {
            let top = 2 + listRows
            JobDetail.draw(into: &g, job: job, rect: Rect(x: 0, y: top, width: width, height: footerY - top),
                           now: m.now, glyphs: glyphs, theme: theme)
        }
        return g
    }

    static func header(_ g: inout Grid, _ m: DashboardModel, jobs: [Job], glyphs: Glyphs, theme: Theme) {
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), theme.header)
        var x = g.put(" pipetop ", x: 0, y: 0, style: theme.headerAccent)
        let counts: [(String, Int)] = [
            ("running", jobs.filter { $0.state.isActive || $0.state == .pending }.count),
            ("paused", jobs.filter { $0.state == .paused }.count),
            ("failed", jobs.filter { $0.state == .failed }.count),
            ("done", jobs.filter { $0.state == .completed }.count),
            ("canceled", jobs.filter { $0.state == .canceled }.count),
        ]
        let parts = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        let summary = "\(jobs.count) job\(jobs.count == 1 ? "" : "s")" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        let clock = Format.clock(m.now)
        let right = " \(clock) "
        let limit = g.width - TextWidth.columns(right)
        x += g.put(" \(m.host) \(glyphs.dot) ", x: x, y: 0, style: theme.header, limit: limit)
        g.put(summary, x: x, y: 0, style: theme.header, limit: limit)
        g.put(right, x: limit, y: 0, style: theme.header)
    }

    static func linkStatus(_ m: DashboardModel) -> String {
        if let n = m.notice { return n + " " }
        switch m.link {
        case .live: return m.socket + " "
        case .connecting: return "connecting to \(m.socket) "
        case .lost(let why): return "disconnected: \(why) "
        }
    }

    static func linkStyle(_ m: DashboardModel, _ theme: Theme) -> Style {
        if m.notice != nil { return theme.warn }
        if case .lost = m.link { return theme.error }
        return theme.footerText
    }

    static func emptyState(_ g: inout Grid, _ m: DashboardModel, theme: Theme) {
        let lines = [
            ("No jobs yet.", theme.title),
            ("", theme.text),
            ("Jobs report to the engine on", theme.text),
            (m.socket, theme.running),
            ("", theme.text),
            ("pipetop emit job.start --job j1 name=import phases='[\"fetch\",\"load\"]'", theme.dim),
            ("pipetop run -- ./my-pipeline.sh      pipetop demo", theme.dim),
        ]
        let top = max(2, (g.height - lines.count) / 2 - 1)
        for (i, (text, style)) in lines.enumerated() {
            let t = TextWidth.truncate(text, to: g.width - 2)
            g.put(t, x: max(1, (g.width - TextWidth.columns(t)) / 2), y: top + i, style: style)
        }
    }
}

/// "terminal too small" in place of a view, until the terminal grows.
public enum TooSmall {
    public static func draw(into g: inout Grid, need: (Int, Int), theme: Theme) {
        let lines = ["terminal too small", "need \(need.0)x\(need.1)", "now \(g.width)x\(g.height)"]
        let top = max(0, (g.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            g.put(l, x: max(0, (g.width - l.count) / 2), y: top + i, style: i == 0 ? theme.error : theme.text)
        }
    }
}
