import PipetopCore

/// One phase (Enter on a phase): its sub-steps with state, start, duration and detail.
/// Only the rows on screen are drawn, so a phase with 20,000 steps scrolls as fast as one
/// with ten. Older done steps the engine no longer keeps in detail are counted in the summary.
public struct PhaseView: Widget {
    public var model: DashboardModel
    public var jobID: String
    public var phaseID: String
    public var glyphs: Glyphs
    public var theme: Theme

    public init(model: DashboardModel, jobID: String, phaseID: String, glyphs: Glyphs, theme: Theme) {
        self.model = model; self.jobID = jobID; self.phaseID = phaseID; self.glyphs = glyphs; self.theme = theme
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let m = model
        guard let job = m.board[job: jobID], let p = job.phase(phaseID) else {
            g.put("phase '\(phaseID)' of job '\(jobID)' is gone from the engine", x: r.x + 2, y: r.y + 1, style: theme.warn)
            return
        }
        var y = r.y
        var facts = [job.isLost(p) ? "lost" : p.state.rawValue]
        // The same counts and percent as the job screen's row (BoardPhase.progressFacts).
        facts += p.progressFacts
        if p.retries > 0 { facts.append("retry \(p.retries)") }
        // The ETA before the elapsed time: a narrow screen cuts from the end.
        if p.state == .running && !job.isLost(p) { facts.append(ETAText.phase(p, now: m.now, label: "ETA ", theme: theme).0) }
        if let e = job.elapsed(of: p, at: m.now) { facts.append(Format.duration(e)) }
        if p.state == .running && !job.isLost(p) {
            // Rates where there is room (none for a lost job: its process is gone).
            if r.width >= 100 {
                if let rate = p.rate { facts.append(Format.rate(rate, unit: p.unit)) }
                if let peak = p.peakRate { facts.append("peak " + Format.rate(peak, unit: p.unit)) }
            }
        }
        TitleRule(title: "\(job.name) \(glyphs.flowArrow) \(p.name)", facts: facts, factStyle: theme.phase(p, of: job), glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: y, width: r.width, height: 1))
        y += 1
        if let err = p.error {
            g.put(" \(glyphs.phase(.failed)) \(err)", x: r.x, y: y, style: theme.error, limit: r.maxX, ellipsis: glyphs.ellipsis)
            y += 1
        }
        let steps = Lists.steps(p, filter: m.nav.filter)
        let cursor = m.nav.stepIndex(in: m.board)
        let list = p.steps
        let failed = list.failed
        // A lost job's running steps are not known to run (each row says lost).
        var summary = "\(Format.count(list.total)) step\(list.total == 1 ? "" : "s") \(glyphs.dot) \(list.running) \(job.isLost ? "lost" : "running") \(glyphs.dot) \(failed) failed"
        // Stopped by the job's cancel: neither failed nor done.
        if let canceled = list.canceled, canceled > 0 { summary += " \(glyphs.dot) \(Format.count(canceled)) canceled" }
        if list.dropped > 0 {
            // Older done steps are summarised (StepList's rules): say what they add up to.
            summary += " \(glyphs.dot) \(Format.count(list.done)) done, \(Format.count(list.dropped)) not listed \(glyphs.dot) slowest \(Format.duration(list.longest))"
        }
        // The row counter only where it fits whole (a cut "row" says nothing).
        let counter = "   row \(cursor + 1) of \(steps.count)"
        if !steps.isEmpty && 1 + TextWidth.columns(summary + counter) <= r.width { summary += counter }
        g.put(" " + summary, x: r.x, y: y, style: theme.dim, limit: r.maxX, ellipsis: glyphs.ellipsis)
        y += 1

        let idWidth = min(32, max(8, steps.prefix(2000).map { TextWidth.columns($0.id) }.max() ?? 8))
        let xState = 4 + idWidth + 1, xStart = xState + 9, xDuration = xStart + 10, xDetail = xDuration + 10
        let s = theme.dim.with(.bold)
        g.put("STEP", x: 4, y: y, style: s)
        g.put("STATE", x: xState, y: y, style: s)
        g.put("START", x: xStart, y: y, style: s)
        g.put(TextWidth.fit("DURATION", 8, alignRight: true), x: xDuration, y: y, style: s)
        g.put("DETAIL", x: xDetail, y: y, style: s, limit: r.maxX)
        y += 1
        let rows = r.maxY - y
        guard rows > 0 else { return }
        if steps.isEmpty {
            g.put(p.steps.total == 0 ? "no sub-steps reported for this phase" : "no step matches the filter", x: 4, y: y, style: theme.dim)
            return
        }
        for (k, i) in ListState.window(selected: cursor, count: steps.count, rows: rows).enumerated() {
            let step = steps[i]
            let row = y + k
            g.mark(Rect(x: r.x, y: row, width: r.width, height: 1), .step(job: job.id, phase: p.id, step: step.id))
            let selected = i == cursor
            if selected { g.paint(Rect(x: 0, y: row, width: r.width, height: 1), theme.selection) }
            func st(_ x: Style) -> Style { selected ? x.on(theme.selection.bg).with(theme.selection.attrs) : x }
            if selected { g.put(glyphs.selected, x: 0, y: row, style: st(theme.title)) }
            g.put(glyphs.step(step, of: job), x: 2, y: row, style: st(theme.step(step, of: job)))
            g.put(TextWidth.truncate(step.id, to: idWidth, ellipsis: glyphs.ellipsis), x: 4, y: row, style: st(step.state == .failed ? theme.error : theme.text))
            g.put(job.isLost(step) ? "lost" : step.state.rawValue, x: xState, y: row, style: st(theme.step(step, of: job)))
            g.put(Format.clock(step.startedAt), x: xStart, y: row, style: st(theme.dim))
            g.put(TextWidth.fit(Format.duration(step.duration(now: job.ownTime(m.now))), 8, alignRight: true), x: xDuration, y: row, style: st(theme.dim))
            if let d = step.detail {
                g.put(d, x: xDetail, y: row, style: st(step.state == .failed ? theme.error : theme.text), limit: r.maxX, ellipsis: glyphs.ellipsis)
            }
        }
    }
}
