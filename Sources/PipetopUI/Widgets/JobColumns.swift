import PipetopCore

/// Column layout of the job list, computed once per frame from the width.
struct JobColumns {
    let width: Int
    let nameWidth: Int
    let stripWidth: Int
    let barWidth: Int
    let showElapsed: Bool
    /// Narrow terminals drop the rate before they cut names.
    let showRate: Bool
    /// Wide terminals get a column with the current phase and its counts.
    let nowWidth: Int
    /// Wide terminals show the ETA's range too.
    let etaWidth: Int
    /// The ETA column of an unfinished job while the engine is out of reach.
    static let notLive = "not live"
    static let pct = 5, rate = 9, elapsed = 8, eta = 14, etaWide = 24

    init(width: Int, jobs: [BoardJob]) {
        self.width = width
        let maxPhases = jobs.map(\.phases.count).max() ?? 0
        stripWidth = max(6, min(16, maxPhases))
        showElapsed = width >= 72
        showRate = width >= 66
        nowWidth = width >= 120 ? min(36, 16 + (width - 120) / 4) : 0
        etaWidth = width >= 120 ? Self.etaWide : Self.eta
        let fixed = 4 + 1 + stripWidth + 1 + 1 + Self.pct + (showRate ? Self.rate : 0) + (showElapsed ? Self.elapsed : 0) + etaWidth
            + (nowWidth > 0 ? nowWidth + 1 : 0)
        // Names get their room (up to 24 columns) before the bar, which keeps at least 6.
        let longest = jobs.map { TextWidth.columns($0.name) }.max() ?? 10
        var name = max(10, min(32, max(width / 5, min(24, longest, width - fixed - 6))))
        var bar = width - fixed - name
        if bar > 60 { name = min(48, name + bar - 60); bar = width - fixed - name }
        if bar > 80 { bar = 80 }
        if bar < 4 { name = max(6, name - (4 - bar)); bar = max(0, width - fixed - name) }
        nameWidth = name
        barWidth = bar
    }

    private var xName: Int { 4 }
    private var xStrip: Int { xName + nameWidth + 1 }
    private var xNow: Int { xStrip + stripWidth + 1 }
    private var xBar: Int { xNow + (nowWidth > 0 ? nowWidth + 1 : 0) }
    private var xPct: Int { xBar + barWidth + 1 }
    private var xRate: Int { xPct + Self.pct }
    private var xElapsed: Int { xRate + (showRate ? Self.rate : 0) }
    private var xEta: Int { xElapsed + (showElapsed ? Self.elapsed : 0) }

    /// Column titles; the sort key's column carries the order's arrow (`JOB↑`, `ETA↓`), and a
    /// key with no column of its own is said after JOB (`JOB by cpu↓`).
    func titles(_ g: inout Grid, y: Int, sort: JobSort = .attention, reversed: Bool = false, glyphs: Glyphs = .utf8, theme: Theme) {
        let s = theme.dim.with(.bold)
        let up = sort.ascending != reversed
        let arrow = glyphs.tier == .utf8 ? (up ? "↑" : "↓") : (up ? "^" : "v")
        func title(_ t: String) -> String { sort.column == t ? t + arrow : t }
        let job = sort == .attention || !sort.column.isEmpty ? title("JOB") : "JOB \(sort.words)\(arrow)"
        g.put(job, x: xName, y: y, style: s, limit: xStrip - 1)
        g.put("PHASES", x: xStrip, y: y, style: s, limit: xStrip + stripWidth)
        if nowWidth > 0 { g.put("NOW", x: xNow, y: y, style: s) }
        g.put(title("PROGRESS"), x: xBar, y: y, style: s, limit: xBar + barWidth)
        if showRate { g.put(TextWidth.fit("RATE", Self.rate - 1, alignRight: true), x: xRate, y: y, style: s) }
        if showElapsed { g.put(TextWidth.fit(title("ELAPSED"), Self.elapsed - 1, alignRight: true), x: xElapsed, y: y, style: s) }
        g.put(TextWidth.fit(title("ETA"), etaWidth - 1, alignRight: true), x: xEta, y: y, style: s)
    }

    func row(_ g: inout Grid, y: Int, job: BoardJob, label: String? = nil, state: Board, selected: Bool, alerting: Bool = false, now: Double,
             stale: Bool = false, glyphs: Glyphs, theme: Theme) {
        if selected { g.paint(Rect(x: 0, y: y, width: width, height: 1), theme.selection) }
        let base = selected ? theme.selection : Style.plain
        func st(_ s: Style) -> Style { selected ? Style(fg: s.fg, bg: theme.selection.bg, attrs: s.attrs.union(theme.selection.attrs)) : s }
        if selected { g.put(glyphs.selected, x: 0, y: y, style: st(theme.title)) }
        g.put(glyphs.job(job), x: 2, y: y, style: st(theme.job(job)))
        if alerting { g.put(glyphs.alertMark, x: 1, y: y, style: st(theme.error)) }
        // An unfinished job on a screen cut off from its engine: dim, and no estimate (its
        // state is as when last seen; the banner says when).
        let unseen = stale && !job.state.isTerminal
        g.put(TextWidth.truncate(label ?? job.name, to: nameWidth, ellipsis: glyphs.ellipsis), x: xName, y: y, style: st(unseen ? theme.dim : theme.text))
        // One cell per phase, coloured and shaped by its state.
        var x = xStrip
        for (i, p) in job.phases.enumerated() {
            if i == stripWidth - 1 && job.phases.count > stripWidth {
                g.put(glyphs.ellipsis, x: x, y: y, style: st(theme.dim)); break
            }
            x += g.put(glyphs.phase(p, of: job), x: x, y: y, style: st(theme.phase(p, of: job)))
        }
        if nowWidth > 0, let p = job.nowPhase {
            // The counts of the phase's progressFacts (done and skipped of the total, as its
            // percent and the bar count them; failed items are not progress).
            let counts = p.progressCounts.map { " " + $0 } ?? ""
            let nameRoom = max(4, nowWidth - TextWidth.columns(counts))
            let label = TextWidth.truncate(p.name, to: nameRoom, ellipsis: glyphs.ellipsis)
            let lx = xNow + g.put(label, x: xNow, y: y, style: st(theme.phase(p, of: job)))
            g.put(counts, x: lx, y: y, style: st(theme.dim), limit: xNow + nowWidth)
        }
        let fraction = job.fraction(at: now)  // once a row: it is worked out from every phase
        ProgressBar(fraction: fraction, fill: st(theme.job(job.state == .completed ? .completed : job.state == .failed ? .failed : .running)),
                    empty: st(theme.barEmpty), glyphs: glyphs)
            .render(into: &g, rect: Rect(x: xBar, y: y, width: barWidth, height: 1))
        g.put(TextWidth.fit(Format.percent(fraction), Self.pct - 1, alignRight: true), x: xPct, y: y, style: base)
        let phase = job.currentPhase
        let rate = phase?.rate
        if showRate { g.put(TextWidth.fit(Format.rate(rate), Self.rate - 1, alignRight: true), x: xRate, y: y, style: st(theme.dim)) }
        if showElapsed {
            // A queued job has not started: its wait is in the ETA column ("waiting 4m").
            let elapsed = job.state == .pending ? "-" : Format.duration(job.elapsed(at: now))
            g.put(TextWidth.fit(elapsed, Self.elapsed - 1, alignRight: true), x: xElapsed, y: y, style: st(theme.dim))
        }
        let (eta, etaStyle) = unseen ? (Self.notLive, theme.dim) : etaText(job, now: now, glyphs: glyphs, theme: theme)
        g.put(TextWidth.fit(eta, etaWidth - 1, alignRight: true), x: xEta, y: y, style: st(etaStyle))
    }

    /// What the ETA column says: a time (with its range on wide screens), a stall, or how
    /// the job ended.
    func etaText(_ job: BoardJob, now: Double, glyphs: Glyphs, theme: Theme) -> (String, Style) {
        ETAText.job(job, now: now, form: etaWidth > Self.eta ? .withRange : .short, glyphs: glyphs, theme: theme)
    }
}
