import PipetopCore

/// The first screen: every job in a list, the selected job's phases as a flow with a bar
/// each, and (on tall terminals) the alerts pane.
public struct OverviewView: Widget {
    public var model: DashboardModel
    public var glyphs: Glyphs
    public var theme: Theme

    public init(model: DashboardModel, glyphs: Glyphs, theme: Theme) {
        self.model = model; self.glyphs = glyphs; self.theme = theme
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let m = model
        let jobs = m.nav.jobs(in: m.board)
        if m.board.jobs.isEmpty {
            emptyState(&g, rect: r)
            return
        }
        let selected = m.nav.job(in: m.board)
        let alerts = m.nav.alertScope(in: m.board)
        let pane = AlertPane.height(for: alerts.count, in: r, focused: m.nav.alertsFocused)
        let available = r.height - 1 - pane
        let detailWants = 3 + (selected?.phases.count ?? 0) + 4
        let minList = min(max(jobs.count, 1), 3)
        let listRows = max(minList, min(jobs.count, available - detailWants))
        // The cursor's row: a job, or the row of folded finished jobs.
        let cursor = m.nav.list(.jobs).index(in: jobs, id: \.id).map { jobs[$0].id }
        JobList(jobs: jobs, selected: cursor, showsCursor: !m.nav.alertsFocused,
                alerting: Set(m.board.alerts.lazy.filter(\.needsAttention).map(\.job)),
                state: m.board, now: m.now, stale: m.disconnectedAt != nil, glyphs: glyphs, theme: theme, sort: m.nav.sort, reversed: m.nav.sortReversed,
                emptyText: m.nav.list(.jobs).filter?.isEmpty == false ? "no job matches the filter"
                    : m.nav.show == .active ? "no active job (v shows the others)" : "no failed, lost or alerting job (v shows the others)")
            .render(into: &g, rect: Rect(x: r.x, y: r.y, width: r.width, height: 1 + listRows))
        let top = r.y + 1 + listRows
        // The host's CPU and memory take the room the selected job does not need.
        let hostRows = m.board.host.cpu.count > 0 ? min(8, max(0, r.maxY - pane - top - detailWants - 1)) : 0
        if let job = selected {
            JobDetail(job: job, now: m.now, glyphs: glyphs, theme: theme)
                .render(into: &g, rect: Rect(x: r.x, y: top, width: r.width, height: r.maxY - pane - hostRows - top))
        }
        if hostRows >= 3, let h = m.board.host.last {
            let y = r.maxY - pane - hostRows
            var facts = ["cpu \(Int(saturating: h.cpuPercent.rounded()))% of \(h.perCore.count) cores",
                         "mem \(Format.bytes(h.memUsed))/\(Format.bytes(h.memTotal))",
                         "load \(String(format: "%.2f %.2f %.2f", h.load1, h.load5, h.load15))"]
            if h.swapTotal > 0 { facts.append("swap \(Format.bytes(h.swapTotal - h.swapFree))") }
            TitleRule(title: m.host, facts: facts, factStyle: theme.text, glyphs: glyphs, theme: theme)
                .render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: 1))
            TwinGraphs(left: ("cpu%", m.board.host.cpu, 100), right: ("mem%", m.board.host.mem, 100), rightLabel: "100%", glyphs: glyphs, theme: theme)
                .render(into: &g, rect: Rect(x: r.x, y: y + 1, width: r.width, height: hostRows - 1))
        }
        if pane > 0 {
            AlertPane(alerts: alerts, selected: m.nav.alert(in: m.board)?.id, focused: m.nav.alertsFocused,
                      state: m.board, now: m.now, glyphs: glyphs, theme: theme)
                .render(into: &g, rect: Rect(x: r.x, y: r.maxY - pane, width: r.width, height: pane))
        }
    }

    private func emptyState(_ g: inout Grid, rect r: Rect) {
        let lines = [
            ("No jobs yet.", theme.title),
            ("", theme.text),
            ("Jobs report to the engine on", theme.text),
            (model.socket, theme.running),
            ("", theme.text),
            ("pipetop emit job.start --job j1 name=import phases='[\"fetch\",\"load\"]'", theme.dim),
            ("pipetop demo       shows every part of the dashboard moving", theme.dim),
        ]
        let top = max(r.y + 1, r.y + (r.height - lines.count) / 2)
        for (i, (text, style)) in lines.enumerated() {
            let t = TextWidth.truncate(text, to: r.width - 2)
            g.put(t, x: r.x + max(1, (r.width - TextWidth.columns(t)) / 2), y: top + i, style: style)
        }
    }
}
