import PipetopCore

/// One phase (Enter on a phase): its sub-steps with state, start, duration and detail.
/// Only the rows on screen are drawn, so a phase with 20,000 steps scrolls as fast as one
/// with ten. Older done steps the engine no longer keeps in detail are counted in the summary.
public enum PhaseView {
    static func draw(into g: inout Grid, _ m: DashboardModel, jobID: String, phaseID: String, rect r: Rect, glyphs: Glyphs, theme: Theme) {
        guard let job = m.state[job: jobID], let p = job.phase(phaseID) else {
            g.put("phase '\(phaseID)' of job '\(jobID)' is gone from the engine", x: 2, y: r.y + 1, style: theme.warn)
            return
        }
        var y = r.y
        var facts = [p.state.rawValue]
        if let t = p.effectiveTotal { facts.append("\(Format.count(p.accounted))/\(Format.count(t))" + (p.unit.map { " " + $0 } ?? "")) }
        if let f = p.fraction { facts.append(Format.percent(f)) }
        if p.failed > 0 { facts.append("\(Format.count(p.failed)) failed") }
        if p.retries > 0 { facts.append("retry \(p.retries)") }
        // The ETA before the elapsed time: a narrow screen cuts from the end.
        if p.state == .running { facts.append(ETAText.phase(p, of: job, state: m.state, now: m.now, label: "ETA ", theme: theme).0) }
        if let e = p.elapsed(now: m.now) { facts.append(Format.duration(e)) }
        if p.state == .running {
            // Rates where there is room.
            if r.width >= 100 {
                if let rate = job.rate(of: p, now: m.now) { facts.append(Format.rate(rate, unit: p.unit)) }
                if p.rate.peak > 0 { facts.append("peak " + Format.rate(p.rate.peak, unit: p.unit)) }
            }
        }
        TitleRule.draw(into: &g, x: r.x, y: y, width: r.width, title: "\(job.name) \(glyphs.flowArrow) \(p.name)", facts: facts,
                       factStyle: theme.phase(p.state), glyphs: glyphs, theme: theme)
        y += 1
        if let err = p.error {
            g.put(" \(glyphs.phase(.failed)) \(err)", x: r.x, y: y, style: theme.error, limit: r.maxX)
            y += 1
        }
        let steps = Lists.steps(p, filter: m.nav.filter)
        let cursor = min(m.nav.stepIndex(in: m.state), max(0, steps.count - 1))
        let list = p.steps
        let failed = list.failedCount + list.folded.failed
        var summary = "\(Format.count(list.total)) step\(list.total == 1 ? "" : "s") \(glyphs.dot) \(list.runningCount) running \(glyphs.dot) \(failed) failed"
        if list.dropped > 0 {
            // Older done steps are summarised (StepList's rules): say what they add up to.
            let done = list.total - list.runningCount - failed
            summary += " \(glyphs.dot) \(Format.count(done)) done, \(Format.count(list.dropped)) not listed \(glyphs.dot) slowest \(Format.duration(list.longest))"
        }
        // The row counter only where it fits whole (a cut "row" says nothing).
        let counter = "   row \(cursor + 1) of \(steps.count)"
        if !steps.isEmpty && 1 + TextWidth.columns(summary + counter) <= r.width { summary += counter }
        g.put(" " + summary, x: r.x, y: y, style: theme.dim, limit: r.maxX)
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
        let first = max(0, min(cursor - rows / 2, steps.count - rows))
        for i in 0..<rows where first + i < steps.count {
            let step = steps[first + i]
            let row = y + i
            let selected = first + i == cursor
            if selected { g.paint(Rect(x: 0, y: row, width: r.width, height: 1), theme.selection) }
            func st(_ x: Style) -> Style { selected ? x.on(theme.selection.bg).with(theme.selection.attrs) : x }
            if selected { g.put(glyphs.selected, x: 0, y: row, style: st(theme.title)) }
            g.put(glyphs.step(step.state), x: 2, y: row, style: st(theme.step(step.state)))
            g.put(TextWidth.truncate(step.id, to: idWidth, ellipsis: glyphs.ellipsis), x: 4, y: row, style: st(step.state == .failed ? theme.error : theme.text))
            g.put(step.state.rawValue, x: xState, y: row, style: st(theme.step(step.state)))
            g.put(Format.clock(step.startedAt), x: xStart, y: row, style: st(theme.dim))
            g.put(TextWidth.fit(Format.duration(step.duration(now: m.now)), 8, alignRight: true), x: xDuration, y: row, style: st(theme.dim))
            if let d = step.detail {
                g.put(d, x: xDetail, y: row, style: st(step.state == .failed ? theme.error : theme.text), limit: r.maxX)
            }
        }
    }
}

/// Every alert, full screen (`!`).
public enum AlertsView {
    static func draw(into g: inout Grid, _ m: DashboardModel, rect r: Rect, glyphs: Glyphs, theme: Theme) {
        let alerts = m.nav.alertScope(in: m.state)
        let open = alerts.filter(\.needsAttention).count
        TitleRule.draw(into: &g, x: r.x, y: r.y, width: r.width, title: "alerts",
                       facts: ["\(open) need\(open == 1 ? "s" : "") attention", "\(alerts.count) shown", "a ack", "A ack all", "s silence", "x clear", "Enter go to"],
                       factStyle: open > 0 ? theme.error : theme.dim, glyphs: glyphs, theme: theme)
        let selected = m.nav.alert(in: m.state)
        let detailRows = AlertDetails.height(for: selected, in: r.height - 1)
        AlertPane.list(into: &g, alerts: alerts, selected: selected?.id, state: m.state,
                       rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1 - detailRows), now: m.now, glyphs: glyphs, theme: theme)
        if let selected, detailRows > 0 {
            AlertDetails.draw(into: &g, alert: selected, rect: Rect(x: r.x, y: r.maxY - detailRows, width: r.width, height: detailRows),
                              glyphs: glyphs, theme: theme)
        }
    }
}

/// `?`: every key from the key table, and what the symbols mean.
enum HelpOverlay {
    /// Bindings shown on one line, with the line's text.
    static let pairs: [(Action, Action, String)] = [
        (.moveUp, .moveDown, "move up / down"), (.pageUp, .pageDown, "a page up / down"), (.top, .bottom, "first / last row"),
        (.nextFailed, .previousFailed, "next / previous failed step"),
    ]

    static func draw(into g: inout Grid, context: Context, glyphs: Glyphs, theme: Theme) {
        var lines: [(String, String, Bool)] = []
        var bindings = KeyTable.bindings[...]
        while let b = bindings.popFirst() {
            // Opposite moves share a line, so every key fits on an 80x24 screen.
            var keys = b.keys
            var help = b.help
            if let pair = pairs.first(where: { $0.0 == b.action }), let next = bindings.first, next.action == pair.1 {
                bindings.removeFirst()
                keys += next.keys
                help = pair.2
            }
            let text = keys.map { k -> String in
                let l = k.label
                return l == " " ? "Space" : l
            }.joined(separator: " ")
            let shown = Binding(keys, b.action, help: help, label: text).shownKeys(glyphs)
            if !b.contexts.isEmpty { help += " (" + Context.allCases.filter { b.contexts.contains($0) }.map(\.rawValue).joined(separator: ", ") + ")" }
            lines.append((shown, help, b.applies(in: context)))
        }
        let legend = [PhaseState.pending, .running, .done, .failed, .skipped].map { "\(glyphs.phase($0)) \($0.rawValue)" }.joined(separator: "  ")
        let keyWidth = min(24, lines.map { TextWidth.columns($0.0) }.max() ?? 10)
        let width = min(g.width - 4, max(50, (lines.map { keyWidth + 3 + TextWidth.columns($0.1) }.max() ?? 50) + 4))
        let etaLegend = "ETA: 12m  \(glyphs.rough)12m rough range  \(glyphs.atLeast)12m at least  stalled 3m  paused"
        let height = min(g.height - 2, lines.count + 7)
        let x0 = (g.width - width) / 2, y0 = max(1, (g.height - height) / 2)
        let box = Rect(x: x0, y: y0, width: width, height: height)
        g.fill(box, theme.text)
        Box.draw(into: &g, box, title: "pipetop keys", glyphs: glyphs, theme: theme)
        var y = y0 + 1
        for (keys, help, active) in lines where y < box.maxY - 4 {
            g.put(TextWidth.fit(keys, keyWidth), x: x0 + 2, y: y, style: active ? theme.running : theme.dim)
            g.put(help, x: x0 + 3 + keyWidth, y: y, style: active ? theme.text : theme.dim, limit: box.maxX - 1)
            y += 1
        }
        g.put(legend, x: x0 + 2, y: box.maxY - 4, style: theme.text, limit: box.maxX - 1)
        g.put(etaLegend, x: x0 + 2, y: box.maxY - 3, style: theme.text, limit: box.maxX - 1)
        g.put("any key closes this", x: x0 + 2, y: box.maxY - 2, style: theme.dim, limit: box.maxX - 1)
    }
}

/// A frame with a title: rounded in UTF-8, `+-|` in ASCII.
enum Box {
    static func draw(into g: inout Grid, _ r: Rect, title: String, glyphs: Glyphs, theme: Theme) {
        guard r.width >= 2, r.height >= 2 else { return }
        let u = glyphs.tier == .utf8
        let (tl, tr, bl, br) = u ? ("╭", "╮", "╰", "╯") : ("+", "+", "+", "+")
        let h = glyphs.horizontal, v = glyphs.vertical
        for x in r.x + 1..<r.maxX - 1 {
            g.put(h, x: x, y: r.y, style: theme.border)
            g.put(h, x: x, y: r.maxY - 1, style: theme.border)
        }
        for y in r.y + 1..<r.maxY - 1 {
            g.put(v, x: r.x, y: y, style: theme.border)
            g.put(v, x: r.maxX - 1, y: y, style: theme.border)
        }
        g.put(tl, x: r.x, y: r.y, style: theme.border)
        g.put(tr, x: r.maxX - 1, y: r.y, style: theme.border)
        g.put(bl, x: r.x, y: r.maxY - 1, style: theme.border)
        g.put(br, x: r.maxX - 1, y: r.maxY - 1, style: theme.border)
        g.put(" \(title) ", x: r.x + 2, y: r.y, style: theme.title, limit: r.maxX - 2)
    }
}
