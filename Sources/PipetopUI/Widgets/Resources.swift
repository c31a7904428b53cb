import PipetopCore

/// The job's CPU and memory over time, or an honest note that there is nothing to draw.
struct Resources: Widget {
    var job: Job
    var glyphs: Glyphs
    var theme: Theme

    static func hasSamples(_ job: Job) -> Bool { (job.resources?.cpu.count ?? 0) > 0 }

    func render(into g: inout Grid, rect r: Rect) {
        guard let res = job.resources, let last = res.last, r.height >= 3 else {
            TitleRule(title: "resources", facts: [], factStyle: theme.dim, glyphs: glyphs, theme: theme).render(into: &g, rect: r)
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
        TitleRule(title: "resources", facts: facts, factStyle: theme.text, glyphs: glyphs, theme: theme).render(into: &g, rect: r)
        TwinGraphs(left: ("cpu%", res.cpu, max(100, res.cpu.max)), right: ("rss", res.rss, max(1, res.rss.max)),
                   rightLabel: Format.bytes(Int(res.rss.max)), glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1))
    }
}
