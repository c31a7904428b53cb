import PipetopCore

/// One job (Enter on the overview): its phases as a flow and as a table with every count,
/// its checkpoints on a time line, its resource timeline, its latest log lines, its alerts.
public enum JobView {
    static func draw(into g: inout Grid, _ m: DashboardModel, jobID: String, rect r: Rect, glyphs: Glyphs, theme: Theme) {
        guard let job = m.state[job: jobID] else {
            g.put("job '\(jobID)' is gone from the engine", x: 2, y: r.y + 1, style: theme.warn)
            return
        }
        var y = r.y
        var facts = [job.state.rawValue]
        if job.run > 1 { facts.append("run \(job.run)") }
        facts.append("started \(Format.clock(job.startedAt))")
        facts.append(Format.duration(job.elapsed(now: m.now)))
        if let pid = job.pid { facts.append("pid \(pid)") }
        if job.errorCount > 0 { facts.append("\(job.errorCount) error\(job.errorCount == 1 ? "" : "s")") }
        if !job.state.isTerminal {
            // Time left, its 80% range, the clock time it comes to, and how sure that is.
            facts.append(ETAText.job(job, now: m.now, form: r.width >= 100 ? .full : .withRange, label: "ETA ", glyphs: glyphs, theme: theme).0)
        }
        TitleRule.draw(into: &g, x: r.x, y: y, width: r.width, title: job.name, facts: facts, factStyle: theme.job(job.state),
                       glyphs: glyphs, theme: theme)
        y += 1
        if let err = job.error {
            g.put(" \(glyphs.phase(.failed)) \(err)", x: r.x, y: y, style: theme.error, limit: r.maxX)
            y += 1
        }
        y += PhaseFlow.draw(into: &g, job: job, x: r.x + 1, y: y, width: r.width - 2, maxRows: 3, glyphs: glyphs, theme: theme)

        let alerts = m.nav.alertScope(in: m.state)
        let pane = AlertPane.height(for: alerts.count, in: r, focused: m.nav.alertsFocused)
        let bottom = r.maxY - pane
        let phases = Lists.phases(job, filter: m.nav.filters["phases:\(job.id)"])
        var table = PhaseTable(width: r.width, phases: phases, job: job, state: m.state)
        let pipeline = RunSummary.pipeline(of: job)
        table.past = Dictionary(uniqueKeysWithValues: job.phases.map { ($0.id, m.state.pastDurations(pipeline: pipeline, phase: $0.id)) })
        table.titles(&g, y: y, theme: theme)
        y += 1
        // Keep room below for the checkpoints, resources and log sections when there is some.
        let below = max(0, bottom - y - phases.count)
        let rows = min(phases.count, max(min(phases.count, 3), bottom - y - min(below, 7)))
        let selected = m.nav.phase(in: m.state)?.id
        let selIndex = phases.firstIndex { $0.id == selected } ?? 0
        let first = max(0, min(selIndex - rows / 2, phases.count - rows))
        for i in 0..<rows where first + i < phases.count {
            let p = phases[first + i]
            table.row(&g, p, y: y + i, selected: p.id == selected && !m.nav.alertsFocused, now: m.now, glyphs: glyphs, theme: theme)
        }
        if phases.isEmpty { g.put(job.phases.isEmpty ? "no phases yet" : "no phase matches the filter", x: 4, y: y, style: theme.dim) }
        y += max(rows, phases.isEmpty ? 1 : 0)

        var room = bottom - y
        if room >= 2 {
            Checkpoints.draw(into: &g, job: job, x: r.x, y: y, width: r.width, now: m.now, glyphs: glyphs, theme: theme)
            y += 2; room -= 2
        }
        if room >= 3 {
            // Without samples the section is its title and one honest line.
            let h = Resources.hasSamples(job) ? min(5, max(3, room / 2)) : 2
            Resources.draw(into: &g, job: job, rect: Rect(x: r.x, y: y, width: r.width, height: h), glyphs: glyphs, theme: theme)
            y += h; room -= h
        }
        if room >= 2 {
            LogLines.draw(into: &g, logs: job.logs, rect: Rect(x: r.x, y: y, width: r.width, height: room), glyphs: glyphs, theme: theme)
        }
        if pane > 0 {
            AlertPane.draw(into: &g, alerts: alerts, selected: m.nav.alert(in: m.state)?.id, focused: m.nav.alertsFocused,
                           state: m.state, rect: Rect(x: r.x, y: bottom, width: r.width, height: pane),
                           now: m.now, glyphs: glyphs, theme: theme)
        }
    }
}

/// The phases as a flow, wrapped onto more lines when they do not fit one:
/// "● fetch ─▶ ◐ parse ─▶ ○ load". Returns the rows used.
enum PhaseFlow {
    static func draw(into g: inout Grid, job: Job, x: Int, y: Int, width: Int, maxRows: Int, glyphs: Glyphs, theme: Theme) -> Int {
        guard !job.phases.isEmpty else { return 0 }
        var row = 0
        var cx = x
        let arrow = " \(glyphs.flowArrow) "
        for (i, p) in job.phases.enumerated() {
            let label = glyphs.phase(p.state) + " " + TextWidth.truncate(p.name, to: max(4, width / 3), ellipsis: glyphs.ellipsis)
            let need = TextWidth.columns(label) + (i > 0 ? TextWidth.columns(arrow) : 0)
            if i > 0 && cx + need > x + width {
                if row + 1 >= maxRows {
                    g.put(" " + glyphs.ellipsis, x: min(cx, x + width - 2), y: y + row, style: theme.dim)
                    return row + 1
                }
                row += 1
                cx = x
                cx += g.put(glyphs.flowArrow + " ", x: cx, y: y + row, style: theme.border)
            } else if i > 0 {
                cx += g.put(arrow, x: cx, y: y + row, style: theme.border)
            }
            let style = p.state == .running ? theme.phase(p.state).with(.bold) : theme.phase(p.state)
            cx += g.put(label, x: cx, y: y + row, style: style, limit: x + width)
        }
        return row + 1
    }
}

/// Column layout of the job screen's phase table; columns drop out on narrow terminals.
struct PhaseTable {
    struct Column { let title: String; let width: Int }
    let width: Int
    let nameWidth: Int
    let barWidth: Int
    let columns: [Column]
    /// Durations of each phase in the pipeline's past completed runs.
    var past: [String: [Double]] = [:]
    /// The job the phases belong to and the state around it (for rates and estimates).
    let job: Job
    let state: PipelineState

    init(width: Int, phases: [Phase], job: Job, state: PipelineState) {
        self.width = width
        self.job = job
        self.state = state
        nameWidth = min(24, max(8, phases.map { TextWidth.columns($0.name) }.max() ?? 8))
        var cols = [Column(title: "DONE", width: 8), Column(title: "FAILED", width: 7), Column(title: "SKIPPED", width: 8),
                    Column(title: "TOTAL", width: 8), Column(title: "%", width: 5), Column(title: "RATE", width: 9),
                    Column(title: "PEAK", width: 9), Column(title: "THROUGHPUT", width: Self.sparkWidth + 2),
                    Column(title: "ELAPSED", width: 8), Column(title: "ETA", width: 14), Column(title: "ERR", width: 5),
                    Column(title: "PAST p50/p95/p99", width: 19), Column(title: "CPU%", width: 6), Column(title: "CPU-S", width: 8), Column(title: "RSS", width: 7),
                    Column(title: "READ", width: 7), Column(title: "WRITE", width: 7)]
        // Least needed first to go when the bar would get too short.
        for drop in ["READ", "WRITE", "CPU-S", "SKIPPED", "PEAK", "RSS", "CPU%", "THROUGHPUT", "ERR", "PAST p50/p95/p99", "ELAPSED", "FAILED"] {
            if width - 5 - nameWidth - cols.reduce(0) { $0 + $1.width } >= 10 { break }
            cols.removeAll { $0.title == drop }
        }
        columns = cols
        barWidth = max(0, min(60, width - 5 - nameWidth - cols.reduce(0) { $0 + $1.width }))
    }

    /// Cells of each phase's throughput sparkline.
    static let sparkWidth = 12

    private var xBar: Int { 4 + nameWidth + 1 }
    private var xColumns: Int { xBar + barWidth }

    func titles(_ g: inout Grid, y: Int, theme: Theme) {
        let s = theme.dim.with(.bold)
        g.put("PHASE", x: 4, y: y, style: s)
        g.put("PROGRESS", x: xBar, y: y, style: s, limit: xBar + barWidth)
        var x = xColumns
        for c in columns {
            g.put(TextWidth.fit(c.title, c.width - 1, alignRight: true), x: x, y: y, style: s)
            x += c.width
        }
    }

    func row(_ g: inout Grid, _ p: Phase, y: Int, selected: Bool, now: Double, glyphs: Glyphs, theme: Theme) {
        if selected { g.paint(Rect(x: 0, y: y, width: width, height: 1), theme.selection) }
        func st(_ s: Style) -> Style { selected ? s.on(theme.selection.bg).with(theme.selection.attrs) : s }
        if selected { g.put(glyphs.selected, x: 0, y: y, style: st(theme.title)) }
        g.put(glyphs.phase(p.state), x: 2, y: y, style: st(theme.phase(p.state)))
        g.put(TextWidth.truncate(p.name, to: nameWidth, ellipsis: glyphs.ellipsis), x: 4, y: y,
              style: st(p.state == .running ? theme.title : theme.text))
        ProgressBar(fraction: p.fraction ?? (p.state == .done ? 1 : nil), fill: st(theme.phase(p.state)), empty: st(theme.barEmpty))
            .draw(into: &g, x: xBar, y: y, width: max(0, barWidth - 1), glyphs: glyphs)
        var x = xColumns
        for c in columns {
            let (text, style) = cell(c.title, p, now: now, glyphs: glyphs, theme: theme)
            g.put(TextWidth.fit(text, c.width - 1, ellipsis: glyphs.ellipsis, alignRight: true), x: x, y: y, style: st(style))
            x += c.width
        }
    }

    private func cell(_ title: String, _ p: Phase, now: Double, glyphs: Glyphs, theme: Theme) -> (String, Style) {
        switch title {
        case "DONE": return (Format.count(p.done), theme.text)
        case "FAILED": return (p.failed > 0 ? Format.count(p.failed) : "-", p.failed > 0 ? theme.failed : theme.dim)
        case "SKIPPED": return (p.skipped > 0 ? Format.count(p.skipped) : "-", theme.dim)
        case "TOTAL": return (p.effectiveTotal.map(Format.count) ?? "?", theme.dim)
        case "%": return (p.fraction.map(Format.percent) ?? "", theme.text)
        case "RATE": return (Format.rate(job.rate(of: p, now: now)), theme.dim)
        case "PEAK": return (p.rate.peak > 0 ? Format.rate(p.rate.peak) : "-", theme.dim)
        case "THROUGHPUT":
            let rates = job.throughput(of: p, buckets: Self.sparkWidth, now: now)
            return (rates.isEmpty ? "" : glyphs.sparkline(rates), theme.phase(p.state))
        case "ELAPSED": return (p.elapsed(now: now).map(Format.duration) ?? "", theme.dim)
        case "ETA":
            switch p.state {
            case .running:
                return ETAText.phase(p, of: job, state: state, now: now, theme: theme)
            case .failed: return ("failed", theme.failed)
            case .skipped: return ("skipped", theme.skipped)
            case .done: return ("done", theme.done)
            case .pending: return ("", theme.dim)
            }
        case "ERR": return (p.errorCount > 0 ? "\(p.errorCount)" : "-", p.errorCount > 0 ? theme.error : theme.dim)
        case "PAST p50/p95/p99":
            // How this phase did in earlier runs; a running phase already past p95 stands out.
            let d = past[p.id] ?? []
            guard let p50 = percentile(d, 50), let p95 = percentile(d, 95), let p99 = percentile(d, 99) else { return ("-", theme.dim) }
            let slow = p.state == .running && (p.elapsed(now: now) ?? 0) > p95
            return ([p50, p95, p99].map(Format.duration).joined(separator: "/"), slow ? theme.warn : theme.dim)
        // Per-phase accounting from the sampler: average CPU%, CPU seconds, peak RSS, I/O.
        case "CPU%": return (p.usage?.averageCPU.map { "\(Int($0.rounded()))" } ?? "-", theme.dim)
        case "CPU-S": return (p.usage.map { String(format: "%.1f", $0.cpuSeconds) } ?? "-", theme.dim)
        case "RSS": return (p.usage.map { Format.bytes($0.peakRSS) } ?? "-", theme.dim)
        case "READ": return (p.usage.map { Format.bytes($0.readBytes) } ?? "-", theme.dim)
        case "WRITE": return (p.usage.map { Format.bytes($0.writeBytes) } ?? "-", theme.dim)
        default: return ("", theme.text)
        }
    }
}

/// The job's checkpoints on a line from its start to now, the last one named.
enum Checkpoints {
    static func draw(into g: inout Grid, job: Job, x: Int, y: Int, width: Int, now: Double, glyphs: Glyphs, theme: Theme) {
        TitleRule.draw(into: &g, x: x, y: y, width: width, title: "checkpoints",
                       facts: ["\(job.checkpoints.count)"], factStyle: theme.dim, glyphs: glyphs, theme: theme)
        guard let last = job.checkpoints.last else {
            g.put("none yet (a job sends {\"type\":\"checkpoint\",...} to mark where it can resume)", x: x + 2, y: y + 1, style: theme.dim, limit: x + width)
            return
        }
        let label = " \(last.name) at \(Format.clock(last.at)), \(Format.count(last.done)) done"
        let axis = max(8, width - 4 - TextWidth.columns(label))
        let start = job.startedAt
        let span = max(1, (job.endedAt ?? now) - start)
        for i in 0..<axis { g.put(glyphs.horizontal, x: x + 2 + i, y: y + 1, style: theme.border) }
        for c in job.checkpoints {
            let pos = Int(saturating: (c.at - start) / span * Double(axis - 1))
            g.put(glyphs.checkpoint, x: x + 2 + max(0, min(axis - 1, pos)), y: y + 1, style: theme.running)
        }
        g.put(label, x: x + 2 + axis, y: y + 1, style: theme.text, limit: x + width)
    }
}

/// The job's CPU and memory over time, or an honest note that there is nothing to draw.
enum Resources {
    static func hasSamples(_ job: Job) -> Bool { (job.resources?.cpu.count ?? 0) > 0 }

    static func draw(into g: inout Grid, job: Job, rect r: Rect, glyphs: Glyphs, theme: Theme) {
        guard let res = job.resources, let last = res.last, r.height >= 3 else {
            TitleRule.draw(into: &g, x: r.x, y: r.y, width: r.width, title: "resources", facts: [], factStyle: theme.dim, glyphs: glyphs, theme: theme)
            // A job too short to be sampled may still have its totals from its end (pipetop run).
            let note = job.resources.map { res in
                "in all \(String(format: "%.1f", res.cpuSeconds)) cpu-s, peak rss \(Format.bytes(res.peakRSS)), read \(Format.bytes(res.readBytes)) write \(Format.bytes(res.writeBytes)) (no samples: it ended first)"
            } ?? (job.pid == nil
                ? "no samples: the job named no pid, so there is no process tree to sample"
                : job.state.isTerminal ? "no samples: the job ended before its process was sampled"
                : "no samples yet for pid \(job.pid!) (sampled every second while the job runs)")
            g.put(note, x: r.x + 2, y: r.y + 1, style: theme.dim, limit: r.maxX)
            return
        }
        let facts = ["cpu \(Int(saturating: last.cpuPercent.rounded()))%", "rss \(Format.bytes(last.rss)) (peak \(Format.bytes(res.peakRSS)))",
                     "\(last.processes) proc \(last.threads) thr", "\(String(format: "%.1f", res.cpuSeconds)) cpu-s",
                     "read \(Format.bytes(res.readBytes)) write \(Format.bytes(res.writeBytes))"]
        TitleRule.draw(into: &g, x: r.x, y: r.y, width: r.width, title: "resources", facts: facts, factStyle: theme.text, glyphs: glyphs, theme: theme)
        TwinGraphs.draw(into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1),
                        left: ("cpu%", res.cpu, max(100, res.cpu.max)), right: ("rss", res.rss, max(1, res.rss.max)),
                        rightLabel: Format.bytes(Int(res.rss.max)), glyphs: glyphs, theme: theme)
    }
}

/// Two graphs side by side with their scale on the left: CPU and memory.
enum TwinGraphs {
    static func draw(into g: inout Grid, rect r: Rect, left: (String, Timeline, Double), right: (String, Timeline, Double),
                     rightLabel: String, glyphs: Glyphs, theme: Theme) {
        guard r.height >= 1, r.width >= 20 else { return }
        let half = r.width / 2
        func one(_ x: Int, _ w: Int, _ name: String, _ series: Timeline, _ top: Double, _ topLabel: String, _ style: Style) {
            let label = TextWidth.fit(topLabel, 6, alignRight: true)
            g.put(label, x: x, y: r.y, style: theme.dim)
            g.put(TextWidth.fit(name, 6, alignRight: true), x: x, y: r.maxY - 1, style: theme.dim)
            let area = Rect(x: x + 7, y: r.y, width: w - 8, height: r.height)
            let points = glyphs.tier == .utf8 ? area.width * 2 : area.width
            Graph(values: series.recent(points), maxValue: top, style: style).draw(into: &g, rect: area, glyphs: glyphs)
        }
        one(r.x, half, left.0, left.1, left.2, "\(Int(left.2))%", theme.running)
        one(r.x + half, r.width - half, right.0, right.1, right.2, rightLabel, theme.done)
    }
}

/// The newest log lines, levels coloured.
enum LogLines {
    static func draw(into g: inout Grid, logs: [LogLine], rect r: Rect, glyphs: Glyphs, theme: Theme) {
        TitleRule.draw(into: &g, x: r.x, y: r.y, width: r.width, title: "log", facts: ["\(logs.count) line\(logs.count == 1 ? "" : "s") kept"], factStyle: theme.dim,
                       glyphs: glyphs, theme: theme)
        let rows = r.height - 1
        guard rows > 0 else { return }
        if logs.isEmpty { g.put("no log lines", x: r.x + 2, y: r.y + 1, style: theme.dim); return }
        for (i, l) in logs.suffix(rows).enumerated() {
            let y = r.y + 1 + i
            var x = r.x + 1
            x += g.put(Format.clock(l.at) + " ", x: x, y: y, style: theme.dim)
            x += g.put(TextWidth.fit(l.level.rawValue.uppercased(), 5) + " ", x: x, y: y, style: theme.log(l.level))
            if let ph = l.phase { x += g.put(TextWidth.truncate(ph, to: 16) + " ", x: x, y: y, style: theme.dim) }
            g.put(l.message, x: x, y: y, style: l.level == .error ? theme.error : theme.text, limit: r.maxX)
        }
    }
}
