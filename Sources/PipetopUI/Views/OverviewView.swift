import PipetopCore

/// The first screen: every job in a list, the selected job's phases as a flow with a bar
/// each, and (on tall terminals) the alerts pane.
public enum OverviewView {
    static func draw(into g: inout Grid, _ m: DashboardModel, rect r: Rect, glyphs: Glyphs, theme: Theme) {
        let jobs = Lists.jobs(m.state, filter: m.nav.list(.jobs).filter)
        if m.state.jobs.isEmpty {
            emptyState(&g, m, rect: r, theme: theme)
            return
        }
        let selected = m.nav.job(in: m.state)
        let cols = JobColumns(width: r.width, jobs: jobs)
        let alerting = Set(m.state.alerts.all.lazy.filter(\.needsAttention).map(\.job))
        let alerts = m.nav.alertScope(in: m.state)
        let pane = AlertPane.height(for: alerts.count, in: r, focused: m.nav.alertsFocused)
        let available = r.height - 1 - pane
        let detailWants = 3 + (selected?.phases.count ?? 0) + 4
        let minList = min(max(jobs.count, 1), 3)
        let listRows = max(minList, min(jobs.count, available - detailWants))
        cols.titles(&g, y: r.y, theme: theme)
        let selIndex = selected.flatMap { s in jobs.firstIndex { $0.id == s.id } } ?? 0
        let window = ListState.window(selected: selIndex, count: jobs.count, rows: listRows)
        for (row, i) in window.enumerated() {
            let job = jobs[i]
            cols.row(&g, y: r.y + 1 + row, job: job, state: m.state, selected: job.id == selected?.id && !m.nav.alertsFocused,
                     alerting: alerting.contains(job.id),
                     now: m.now, glyphs: glyphs, theme: theme)
        }
        if jobs.isEmpty {
            g.put("no job matches the filter", x: 4, y: r.y + 1, style: theme.dim)
        }
        if jobs.count > listRows {
            g.put("JOB \(window.lowerBound + 1)-\(window.lowerBound + listRows) of \(jobs.count)", x: 4, y: r.y, style: theme.dim.with(.bold), limit: 4 + cols.nameWidth)
        }
        let top = r.y + 1 + listRows
        // The host's CPU and memory take the room the selected job does not need.
        let hostRows = m.state.host.cpu.count > 0 ? min(8, max(0, r.maxY - pane - top - detailWants - 1)) : 0
        if let job = selected {
            JobDetail.draw(into: &g, job: job, state: m.state, rect: Rect(x: r.x, y: top, width: r.width, height: r.maxY - pane - hostRows - top),
                           now: m.now, glyphs: glyphs, theme: theme)
        }
        if hostRows >= 3, let h = m.state.host.last {
            let y = r.maxY - pane - hostRows
            var facts = ["cpu \(Int(saturating: h.cpuPercent.rounded()))% of \(h.perCore.count) cores",
                         "mem \(Format.bytes(h.memUsed))/\(Format.bytes(h.memTotal))",
                         "load \(String(format: "%.2f %.2f %.2f", h.load1, h.load5, h.load15))"]
            if h.swapTotal > 0 { facts.append("swap \(Format.bytes(h.swapTotal - h.swapFree))") }
            TitleRule.draw(into: &g, x: r.x, y: y, width: r.width, title: m.host, facts: facts, factStyle: theme.text, glyphs: glyphs, theme: theme)
            TwinGraphs.draw(into: &g, rect: Rect(x: r.x, y: y + 1, width: r.width, height: hostRows - 1),
                            left: ("cpu%", m.state.host.cpu, 100), right: ("mem%", m.state.host.mem, 100),
                            rightLabel: "100%", glyphs: glyphs, theme: theme)
        }
        if pane > 0 {
            AlertPane.draw(into: &g, alerts: alerts, selected: m.nav.alert(in: m.state)?.id, focused: m.nav.alertsFocused,
                           state: m.state, rect: Rect(x: r.x, y: r.maxY - pane, width: r.width, height: pane),
                           now: m.now, glyphs: glyphs, theme: theme)
        }
    }

    static func emptyState(_ g: inout Grid, _ m: DashboardModel, rect r: Rect, theme: Theme) {
        let lines = [
            ("No jobs yet.", theme.title),
            ("", theme.text),
            ("Jobs report to the engine on", theme.text),
            (m.socket, theme.running),
            ("", theme.text),
            ("pipetop emit job.start --job j1 name=import phases='[\"fetch\",\"load\"]'", theme.dim),
            ("pipetop demo       shows every part of the dashboard moving", theme.dim),
        ]
        let top = max(r.y + 1, r.y + (r.height - lines.count) / 2)
        for (i, (text, style)) in lines.enumerated() {
            let t = TextWidth.truncate(text, to: g.width - 2)
            g.put(t, x: max(1, (g.width - TextWidth.columns(t)) / 2), y: top + i, style: style)
        }
    }
}
