import PipetopCore

/// The selected job under the list: a title rule, the phase flow, a row per phase, the
/// running sub-steps and the newest log lines, as room allows.
struct JobDetail: Widget {
    var job: BoardJob
    var now: Double
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height >= 2 else { return }
        var y = r.y
        titleRule(&g, job: job, x: r.x, y: y, width: r.width, now: now, glyphs: glyphs, theme: theme)
        y += 1
        flow(&g, job: job, x: r.x + 1, y: y, width: r.width - 2, glyphs: glyphs, theme: theme)
        y += 1
        let nameWidth = min(24, max(8, job.phases.map { TextWidth.columns($0.name) }.max() ?? 8))
        let phaseRows = min(job.phases.count, r.maxY - y)
        // Show the running phase when the list of phases does not fit.
        let running = job.phases.firstIndex { $0.state == .running } ?? 0
        for i in ListState.window(selected: running, count: job.phases.count, rows: phaseRows) {
            phaseRow(&g, job.phases[i], of: job, x: r.x, y: y, width: r.width, nameWidth: nameWidth, now: now, glyphs: glyphs, theme: theme)
            y += 1
        }
        if job.error != nil, y < r.maxY {
            // A lost job is not failed (yet), a canceled one not at all: the line says which.
            let verdict = job.isLost ? "lost" : job.state == .canceled ? "canceled" : "failed"
            g.put(" \(glyphs.phase(.failed)) job \(verdict): \(job.error!)", x: r.x, y: y, style: theme.error, limit: r.maxX, ellipsis: glyphs.ellipsis)
            y += 1
        }
        // Sub-steps still running, then the most recent failure.
        var steps: [(BoardPhase, Step)] = []
        for p in job.phases where p.state == .running {
            for s in p.steps.recent where s.state == .running { steps.append((p, s)); if steps.count >= 3 { break } }
        }
        if let failedStep = job.phases.lazy.flatMap({ p in p.steps.recent.lazy.filter { $0.state == .failed }.map { (p, $0) } }).first {
            steps.append(failedStep)
        }
        let logRoom = max(0, r.maxY - y - min(steps.count, 3))
        for (p, s) in steps.prefix(max(0, r.maxY - y - min(logRoom, 2))) where y < r.maxY {
            stepRow(&g, phase: p, step: s, x: r.x, y: y, width: r.width, now: job.ownTime(now), glyphs: glyphs, theme: theme)
            y += 1
        }
        let logs = job.logs.suffix(max(0, r.maxY - y))
        for l in logs where y < r.maxY {
            var x = r.x + 1
            x += g.put(Format.clock(l.at) + " ", x: x, y: y, style: theme.dim)
            x += g.put(TextWidth.fit(l.level.rawValue.uppercased(), 5), x: x, y: y, style: theme.log(l.level))
            if let ph = l.phase { x += g.put(" " + ph, x: x, y: y, style: theme.dim, limit: x + 17) }
            g.put(" " + l.message, x: x, y: y, style: theme.log(l.level) == theme.error ? theme.error : theme.text, limit: r.maxX, ellipsis: glyphs.ellipsis)
            y += 1
        }
    }

    private func titleRule(_ g: inout Grid, job: BoardJob, x: Int, y: Int, width: Int, now: Double, glyphs: Glyphs, theme: Theme) {
        for i in 0..<width { g.put(glyphs.horizontal, x: x + i, y: y, style: theme.border) }
        var cx = x + 1
        cx += g.put(" \(job.name) ", x: cx, y: y, style: theme.title, limit: x + width, ellipsis: glyphs.ellipsis)
        var facts = [job.isLost ? "lost" : job.state.rawValue]
        if job.run > 1 { facts.append("run \(job.run)") }
        // Queued: how long it has waited, not an elapsed time (it has not started).
        facts.append(job.state == .pending ? "waiting \(Format.duration(job.waited(at: now) ?? 0))" : Format.duration(job.elapsed(at: now)))
        if let pid = job.pid { facts.append("pid \(pid)") }
        if job.id != job.name { facts.append("id \(job.id)") }
        let text = " " + facts.joined(separator: " \(glyphs.dot) ") + " "
        g.put(text, x: cx, y: y, style: theme.job(job.state), limit: x + width, ellipsis: glyphs.ellipsis)
    }

    /// "● fetch ─▶ ◐ parse ─▶ ○ load". When it does not fit, phases far from the running one
    /// lose their names (the symbols stay; the first phase keeps its name longest), then the
    /// line is cut.
    private func flow(_ g: inout Grid, job: BoardJob, x: Int, y: Int, width: Int, glyphs: Glyphs, theme: Theme) {
        guard !job.phases.isEmpty else {
            g.put("no phases yet", x: x, y: y, style: theme.dim)
            return
        }
        let focus = job.phases.firstIndex { $0.state == .running } ?? job.phases.lastIndex { $0.state.isFinished } ?? 0
        var named = Array(repeating: true, count: job.phases.count)
        func length() -> Int {
            var n = 0
            for (i, p) in job.phases.enumerated() {
                if i > 0 { n += TextWidth.columns(glyphs.flowArrow) + 2 }
                n += 1 + (named[i] ? 1 + TextWidth.columns(p.name) : 0)
            }
            return n
        }
        // Drop names farthest from the focus first (the later of two as far), the first
        // phase's last: a nameless symbol at the head reads as a stray glyph, not the start.
        let byDistance = job.phases.indices.sorted { a, b in
            if (a == 0) != (b == 0) { return b == 0 }
            return abs(a - focus) != abs(b - focus) ? abs(a - focus) > abs(b - focus) : a > b
        }
        var k = 0
        while length() > width && k < byDistance.count {
            if byDistance[k] != focus { named[byDistance[k]] = false }
            k += 1
        }
        var cx = x
        let end = x + width
        for (i, p) in job.phases.enumerated() {
            if i > 0 { cx += g.put(" \(glyphs.flowArrow) ", x: cx, y: y, style: theme.border, limit: end) }
            cx += g.put(glyphs.phase(p, of: job), x: cx, y: y, style: theme.phase(p, of: job), limit: end)
            if named[i] {
                cx += g.put(" " + p.name, x: cx, y: y, style: i == focus ? theme.phase(p, of: job).with(.bold) : theme.phase(p, of: job), limit: end)
            }
            if cx >= end { break }
        }
    }

    private func phaseRow(_ g: inout Grid, _ p: BoardPhase, of job: BoardJob, x: Int, y: Int, width: Int, nameWidth: Int, now: Double, glyphs: Glyphs, theme: Theme) {
        let style = theme.phase(p, of: job)
        var cx = x + 1
        cx += g.put(glyphs.phase(p, of: job), x: cx, y: y, style: style)
        cx += 1
        g.put(TextWidth.truncate(p.name, to: nameWidth, ellipsis: glyphs.ellipsis), x: cx, y: y, style: p.state == .running ? theme.title : theme.text)
        cx += nameWidth + 1
        // Narrow screens drop the rate, then the elapsed time, so the ETA and the state stay.
        let countW = 17, pctW = 5, rateW = width >= 72 ? 10 : 0, elapsedW = width >= 64 ? 8 : 0, etaW = 12
        let counts: String = {
            let figures: String
            // Work done of the total, as the percent beside it and the phase screen say
            // (BoardPhase.progressed: failed items are not progress).
            if let t = p.total { figures = "\(Format.count(p.progressed))/\(Format.count(t))" }
            else if p.done > 0 { figures = Format.count(p.done) }
            else { return "" }
            // The unit goes when it does not fit; the figures never do.
            let withUnit = figures + (p.unit.map { " " + $0 } ?? "")
            return TextWidth.columns(withUnit) <= countW - 1 ? withUnit : figures
        }()
        let tail = countW + pctW + rateW + elapsedW + etaW
        // A phase not running says its failed and skipped items (BoardPhase.tallyFacts) where
        // the rate goes; when both do not fit there, they take the elapsed and ETA cells, and
        // then from the bar (all of it if need be): both are said on a narrow screen too.
        let extra = p.tallyFacts.joined(separator: ", ")
        let shown = p.state == .running && !job.isLost(p)
        let spans = !shown && p.state != .failed && TextWidth.columns(extra) > rateW - 1 && etaCell(p, now: now).0.isEmpty
        let full = min(60, max(0, x + width - cx - tail - 1))
        let room = rateW + elapsedW + etaW - 1
        let barW = spans ? max(0, full - max(0, TextWidth.columns(extra) - room)) : full
        ProgressBar(fraction: p.fraction ?? (p.state == .done ? 1 : nil), fill: style, empty: theme.barEmpty, glyphs: glyphs)
            .render(into: &g, rect: Rect(x: cx, y: y, width: barW, height: 1))
        cx += barW + 1
        g.put(TextWidth.fit(counts, countW - 1, ellipsis: glyphs.ellipsis, alignRight: true), x: cx, y: y, style: theme.text)
        cx += countW
        g.put(TextWidth.fit(p.fraction.map { Format.percent($0) } ?? "", pctW - 1, alignRight: true), x: cx, y: y, style: theme.text)
        cx += pctW
        if p.state == .failed {
            let why = p.error ?? "failed"
            g.put(" " + why, x: cx, y: y, style: theme.error, limit: x + width, ellipsis: glyphs.ellipsis)
            return
        }
        let rate = p.rate
        if spans {
            g.put(TextWidth.fit(extra, room + (full - barW), ellipsis: glyphs.ellipsis, alignRight: true), x: cx, y: y,
                  style: p.failed > 0 ? theme.warn : theme.dim)
            return
        }
        if rateW > 0 {
            g.put(TextWidth.fit(shown ? Format.rate(rate) : extra, rateW - 1, alignRight: true), x: cx, y: y,
                  style: p.failed > 0 && p.state != .running ? theme.warn : theme.dim)
            cx += rateW
        }
        if elapsedW > 0 {
            g.put(TextWidth.fit(job.elapsed(of: p, at: now).map { Format.duration($0) } ?? "", elapsedW - 1, alignRight: true), x: cx, y: y, style: theme.dim)
            cx += elapsedW
        }
        let (text, etaStyle) = etaCell(p, now: now)
        g.put(TextWidth.fit(text, etaW - 1, alignRight: true), x: cx, y: y, style: etaStyle)
    }

    /// What a phase row's last cell says: lost, its ETA while running, skipped, else nothing.
    private func etaCell(_ p: BoardPhase, now: Double) -> (String, Style) {
        if job.isLost(p) { return ("lost", theme.failed) }
        if p.state == .running { return ETAText.phase(p, now: now, label: "ETA ", theme: theme) }
        if p.state == .skipped { return ("skipped", theme.skipped) }
        return ("", theme.text)
    }

    /// `now` on the job's own clock (its steps' times are).
    private func stepRow(_ g: inout Grid, phase: BoardPhase, step: Step, x: Int, y: Int, width: Int, now: Double, glyphs: Glyphs, theme: Theme) {
        var cx = x + 3
        cx += g.put(glyphs.stepIndent + " ", x: cx, y: y, style: theme.dim)
        cx += g.put(phase.name + ": ", x: cx, y: y, style: theme.dim, limit: x + width)
        cx += g.put(glyphs.step(step, of: job) + " ", x: cx, y: y, style: theme.step(step, of: job))
        cx += g.put(step.id, x: cx, y: y, style: step.state == .failed ? theme.error : theme.text, limit: x + width, ellipsis: glyphs.ellipsis)
        cx += g.put(" " + Format.duration(step.duration(now: now)), x: cx, y: y, style: theme.dim, limit: x + width)
        if let d = step.detail {
            g.put("  " + d, x: cx, y: y, style: step.state == .failed ? theme.error : theme.dim, limit: x + width, ellipsis: glyphs.ellipsis)
        }
    }
}
