import PipetopCore

/// The job's checkpoints on a line from its start to now, the last one named (two rows).
struct Checkpoints: Widget {
    var job: BoardJob
    var now: Double
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        let x = r.x, y = r.y, width = r.width
        TitleRule(title: "checkpoints", facts: ["\(job.checkpoints.count)"], factStyle: theme.dim, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: r)
        guard let last = job.checkpoints.last else {
            g.put("none yet (a job sends {\"type\":\"checkpoint\",...} to mark where it can resume)", x: x + 2, y: y + 1, style: theme.dim, limit: x + width, ellipsis: glyphs.ellipsis)
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
        g.put(label, x: x + 2 + axis, y: y + 1, style: theme.text, limit: x + width, ellipsis: glyphs.ellipsis)
    }
}
