import PipetopCore

/// Column layout of the job screen's phase table; columns drop out on narrow terminals.
struct PhaseTable {
    struct Column { let title: String; let width: Int }
    let width: Int
    let nameWidth: Int
    let barWidth: Int
    let columns: [Column]
    /// The job the phases belong to.
    let job: BoardJob

    init(width: Int, phases: [BoardPhase], job: BoardJob) {
        self.width = width
        self.job = job
        nameWidth = min(24, max(8, phases.map { TextWidth.columns($0.name) }.max() ?? 8))
        var cols = [Column(title: "DONE", width: 8), Column(title: "FAILED", width: 7), Column(title: "SKIPPED", width: 8),
                    Column(title: "TOTAL", width: 8), Column(title: "%", width: 5), Column(title: "RATE", width: 9),
                    Column(title: "PEAK", width: 9), Column(title: "THROUGHPUT", width: Self.sparkWidth + 2),
                    Column(title: "ELAPSED", width: 8), Column(title: "ETA", width: 14), Column(title: "ERR", width: 5),
                    Column(title: "PAST p50/p95/p99", width: 19), Column(title: "CPU%", width: 6), Column(title: "CPU-S", width: 8), Column(title: "RSS", width: 7),
                    Column(title: "READ", width: 7), Column(title: "WRITE", width: 7)]
        // Least needed first to go when the bar would get too short. Where failed items are
        // said, skipped ones are (as BoardPhase.progressFacts says them): SKIPPED goes with
        // FAILED, or first when no phase skipped any (a column of dashes says nothing).
        let skipped = phases.contains { $0.skipped > 0 }
        for drop in (skipped ? [] : [["SKIPPED"]]) + [["READ"], ["WRITE"], ["CPU-S"], ["PEAK"], ["RSS"], ["CPU%"], ["THROUGHPUT"], ["ERR"],
                                                      ["PAST p50/p95/p99"], ["ELAPSED"], ["SKIPPED", "FAILED"]] {
            if width - 5 - nameWidth - cols.reduce(0) { $0 + $1.width } >= 10 { break }
            cols.removeAll { drop.contains($0.title) }
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

    func row(_ g: inout Grid, _ p: BoardPhase, y: Int, selected: Bool, now: Double, glyphs: Glyphs, theme: Theme) {
        if selected { g.paint(Rect(x: 0, y: y, width: width, height: 1), theme.selection) }
        func st(_ s: Style) -> Style { selected ? s.on(theme.selection.bg).with(theme.selection.attrs) : s }
        if selected { g.put(glyphs.selected, x: 0, y: y, style: st(theme.title)) }
        g.put(glyphs.phase(p, of: job), x: 2, y: y, style: st(theme.phase(p, of: job)))
        g.put(TextWidth.truncate(p.name, to: nameWidth, ellipsis: glyphs.ellipsis), x: 4, y: y,
              style: st(p.state == .running ? theme.title : theme.text))
        ProgressBar(fraction: p.fraction ?? (p.state == .done ? 1 : nil), fill: st(theme.phase(p, of: job)), empty: st(theme.barEmpty), glyphs: glyphs)
            .render(into: &g, rect: Rect(x: xBar, y: y, width: max(0, barWidth - 1), height: 1))
        var x = xColumns
        for c in columns {
            let (text, style) = cell(c.title, p, now: now, glyphs: glyphs, theme: theme)
            g.put(TextWidth.fit(text, c.width - 1, ellipsis: glyphs.ellipsis, alignRight: true), x: x, y: y, style: st(style))
            x += c.width
        }
    }

    private func cell(_ title: String, _ p: BoardPhase, now: Double, glyphs: Glyphs, theme: Theme) -> (String, Style) {
        switch title {
        case "DONE": return (Format.count(p.done), theme.text)
        case "FAILED": return (p.failed > 0 ? Format.count(p.failed) : "-", p.failed > 0 ? theme.failed : theme.dim)
        case "SKIPPED": return (p.skipped > 0 ? Format.count(p.skipped) : "-", theme.dim)
        case "TOTAL": return (p.total.map(Format.count) ?? "?", theme.dim)
        case "%": return (p.fraction.map(Format.percent) ?? "", theme.text)
        case "RATE": return (Format.rate(p.state == .running && !job.isLost(p) ? p.rate : nil), theme.dim)
        case "PEAK": return (p.peakRate.map { Format.rate($0) } ?? "-", theme.dim)
        case "THROUGHPUT":
            let rates = p.throughput ?? []
            return (rates.isEmpty ? "" : glyphs.sparkline(rates), theme.phase(p.state))
        case "ELAPSED": return (job.elapsed(of: p, at: now).map(Format.duration) ?? "", theme.dim)
        case "ETA":
            if job.isLost(p) { return ("lost", theme.failed) }
            switch p.state {
            case .running:
                return ETAText.phase(p, now: now, theme: theme)
            case .failed: return ("failed", theme.failed)
            case .skipped: return ("skipped", theme.skipped)
            case .canceled: return ("canceled", theme.skipped)
            case .done: return ("done", theme.done)
            case .pending: return ("", theme.dim)
            case .unknown: return ("unknown", theme.dim)
            }
        case "ERR": return (p.errorCount > 0 ? "\(p.errorCount)" : "-", p.errorCount > 0 ? theme.error : theme.dim)
        case "PAST p50/p95/p99":
            // How this phase did in earlier runs; a running phase already past p95 stands out.
            guard let past = p.past else { return ("-", theme.dim) }
            let slow = p.slowerThanUsual(at: now, skew: job.skew)
            return ([past.p50, past.p95, past.p99].map(Format.duration).joined(separator: "/"), slow ? theme.warn : theme.dim)
        // Per-phase accounting from the sampler: average CPU%, CPU seconds, peak RSS, I/O.
        case "CPU%": return (p.usage?.averageCPU.map { "\(Int($0.rounded()))" } ?? "-", theme.dim)
        case "CPU-S": return (p.usage.map { String(format: "%.1f", $0.cpuSeconds) } ?? "-", theme.dim)
        case "RSS": return (p.usage?.peakRSSSeen.map { Format.bytes($0) } ?? "-", theme.dim)
        case "READ": return (p.usage.map { Format.bytes($0.readBytes) } ?? "-", theme.dim)
        case "WRITE": return (p.usage.map { Format.bytes($0.writeBytes) } ?? "-", theme.dim)
        default: return ("", theme.text)
        }
    }
}
