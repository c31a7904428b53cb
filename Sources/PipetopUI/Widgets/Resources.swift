import PipetopCore

/// The job's CPU and memory over time, or an honest note that there is nothing to draw.
struct Resources: Widget {
    var job: BoardJob
    var glyphs: Glyphs
    var theme: Theme

    /// Whether there is a timeline to draw (the Board carries one for the focused job only).
    static func hasSamples(_ job: BoardJob) -> Bool { (job.resources?.cpu.count ?? 0) > 0 }

    func render(into g: inout Grid, rect r: Rect) {
        guard let res = job.resources, let cpuNow = res.cpuNow, let rssNow = res.rssNow else {
            TitleRule(title: "resources", facts: [], factStyle: theme.dim, glyphs: glyphs, theme: theme).render(into: &g, rect: r)
            // A job too short to be sampled may still have its totals from its end (pipetop run).
            let note = job.resources.map { res in
                "in all \(String(format: "%.1f", res.cpuSeconds)) cpu-s, peak rss \(Format.peakRSS(res.peakRSSSeen)), read \(Format.bytes(res.readBytes)) write \(Format.bytes(res.writeBytes)) (no samples: it ended first)"
            } ?? (job.pid == nil
                ? "no samples: the job named no pid, so there is no process tree to sample"
                : job.state.isTerminal ? "no samples: the job ended before its process was sampled"
                : job.isLost ? "no samples: pid \(job.pid!) went before it was sampled (the job is lost)"
                : "no samples yet for pid \(job.pid!) (sampled every second while the job runs)")
            g.put(note, x: r.x + 2, y: r.y + 1, style: theme.dim, limit: r.maxX, ellipsis: glyphs.ellipsis)
            return
        }
        // 100% is one core (as top counts a process); said in cores so it is never read as the host's share.
        // A lost job's process is gone: its last reading is not its use now.
        let current = job.isLost ? ["not sampled since the job went lost", "peak rss \(Format.peakRSS(res.peakRSSSeen))"]
            : ["cpu \(Int(saturating: cpuNow.rounded()))% (\(String(format: "%.1f", cpuNow / 100)) cores)", "rss \(Format.bytes(rssNow)) (peak \(Format.peakRSS(res.peakRSSSeen)))",
               "\(res.processes ?? 0) proc \(res.threads ?? 0) thr"]
        let facts = current + ["\(String(format: "%.1f", res.cpuSeconds)) cpu-s", "read \(Format.bytes(res.readBytes)) write \(Format.bytes(res.writeBytes))"]
        TitleRule(title: "resources", facts: facts, factStyle: theme.text, glyphs: glyphs, theme: theme).render(into: &g, rect: r)
        // Sampled, but no room for a graph or no timeline in this Board (it comes with the focus).
        guard r.height >= 3, !res.cpu.isEmpty else {
            let n = res.cpu.count
            let note = n == 0 ? "sampled (its graph comes when the job's details arrive)"
                : job.state.isTerminal ? "\(n) sample\(n == 1 ? "" : "s") before it ended; no room for the graph"
                : "\(n) sample\(n == 1 ? "" : "s") so far; no room for the graph"
            if r.height >= 2 { g.put(note, x: r.x + 2, y: r.y + 1, style: theme.dim, limit: r.maxX, ellipsis: glyphs.ellipsis) }
            return
        }
        let rssTop = res.rss.max() ?? 0
        TwinGraphs(left: ("cpu%", res.cpu, max(100, res.cpu.max() ?? 0)), right: ("rss", res.rss, max(1, rssTop)),
                   rightLabel: Format.bytes(Int(rssTop)), glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1))
    }
}
