import PipetopCore

/// One job (Enter on the overview): its phases as a flow and as a table with every count,
/// its checkpoints on a time line, its resource timeline, its latest log lines, its alerts.
public struct JobView: Widget {
    public var model: DashboardModel
    public var jobID: String
    public var glyphs: Glyphs
    public var theme: Theme

    public init(model: DashboardModel, jobID: String, glyphs: Glyphs, theme: Theme) {
        self.model = model; self.jobID = jobID; self.glyphs = glyphs; self.theme = theme
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let m = model
        guard let job = m.board[job: jobID] else {
            g.put("job '\(jobID)' is gone from the engine", x: r.x + 2, y: r.y + 1, style: theme.warn)
            return
        }
        var y = r.y
        var facts = [job.isLost ? "lost" : job.state.rawValue]
        if job.run > 1 { facts.append("run \(job.run)") }
        if job.state == .pending {
            // Queued: not started, so no start time, elapsed time or estimate; its wait instead.
            facts.append("queued \(Format.clock(job.queuedAt ?? job.startedAt))")
        } else {
            facts.append("started \(Format.clock(job.startedAt))")
            facts.append(Format.duration(job.elapsed(at: m.now)))
            if let w = job.waited(at: m.now) { facts.append("waited \(Format.duration(w))") }
        }
        if let pid = job.pid { facts.append("pid \(pid)") }
        if job.state == .pending {
            facts.append(ETAText.job(job, now: m.now, form: .short, glyphs: glyphs, theme: theme).0)
        } else if !job.state.isTerminal {
            // Time left, its 80% range, the clock time it comes to, and how sure that is.
            facts.append(ETAText.job(job, now: m.now, form: r.width >= 100 ? .full : .withRange, label: "ETA ", glyphs: glyphs, theme: theme).0)
        }
        // Its promise: when it must be over (the deadline alerts say how that looks).
        if let d = job.deadline, !job.state.isTerminal {
            facts.append("due \(Format.finish(d.due, now: m.now))" + (r.width >= 100 ? " (\(d.source))" : ""))
        }
        // Errors, warnings and their categories, last (a narrow screen cuts from the end):
        // "3 errors, 12 warnings (http 9, parse 3)".
        if let trouble = LogTallyText.line(errors: job.errorCount, tally: job.tally, categoriesShown: r.width >= 100 ? 4 : 2) { facts.append(trouble) }
        TitleRule(title: job.name, facts: facts, factStyle: theme.job(job.state), glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: 1))
        y += 1
        if let err = job.error {
            g.put(" \(glyphs.phase(.failed)) \(err)", x: r.x, y: y, style: theme.error, limit: r.maxX, ellipsis: glyphs.ellipsis)
            y += 1
        }
        let flow = PhaseFlow(job: job, glyphs: glyphs, theme: theme)
        flow.render(into: &g, rect: Rect(x: r.x + 1, y: y, width: r.width - 2, height: 3))
        y += flow.rows(width: r.width - 2, maxRows: 3)

        let alerts = m.nav.alertScope(in: m.board)
        let pane = AlertPane.height(for: alerts.count, in: r, focused: m.nav.alertsFocused)
        let bottom = r.maxY - pane
        let phases = Lists.phases(job, filter: m.nav.list(.phases(job: job.id)).filter)
        let table = PhaseTable(width: r.width, phases: phases, job: job)
        let tableTop = y
        y += 1
        // Keep room below for the checkpoints, resources and log sections when there is some.
        let below = max(0, bottom - y - phases.count)
        let rows = max(min(phases.count, max(min(phases.count, 3), bottom - y - min(below, 7))), phases.isEmpty ? 1 : 0)
        PhaseList(table: table, phases: phases, selected: m.nav.phase(in: m.board)?.id, showsCursor: !m.nav.alertsFocused,
                  emptyText: job.phases.isEmpty ? "no phases yet" : "no phase matches the filter", now: m.now, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: tableTop, width: r.width, height: 1 + rows))
        y += rows

        var room = bottom - y
        let metrics = job.metrics ?? []
        if !metrics.isEmpty && room >= 4 {
            let h = min(Metrics.height(for: metrics.count, width: r.width), max(2, room / 3))
            Metrics(metrics: metrics, glyphs: glyphs, theme: theme).render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: h))
            y += h; room -= h
        }
        if let list = job.artifacts, !list.isEmpty, room >= 4 {
            Artifacts(artifacts: list, glyphs: glyphs, theme: theme).render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: 1))
            y += 1; room -= 1
        }
        if room >= 2 {
            Checkpoints(job: job, now: m.now, glyphs: glyphs, theme: theme).render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: 2))
            y += 2; room -= 2
        }
        if room >= 3 {
            // Without samples the section is its title and one honest line.
            let h = Resources.hasSamples(job) ? min(5, max(3, room / 2)) : 2
            Resources(job: job, glyphs: glyphs, theme: theme).render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: h))
            y += h; room -= h
        }
        if room >= 2 {
            LogLines(logs: job.logs, glyphs: glyphs, theme: theme).render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: room))
        }
        if pane > 0 {
            AlertPane(alerts: alerts, selected: m.nav.alert(in: m.board)?.id, focused: m.nav.alertsFocused,
                      state: m.board, now: m.now, glyphs: glyphs, theme: theme)
                .render(into: &g, rect: Rect(x: r.x, y: bottom, width: r.width, height: pane))
        }
    }
}
