import PipetopCore

/// The job's own figures (`metric` events): a title rule, then one line per metric with its
/// newest value and a sparkline of its recent ones, as many as fit side by side.
struct Metrics: Widget {
    var metrics: [BoardMetric]
    var glyphs: Glyphs
    var theme: Theme

    /// Lines it wants for `count` metrics at `width` (title included).
    static func height(for count: Int, width: Int) -> Int { count == 0 ? 0 : 1 + (count + perLine(width) - 1) / perLine(width) }
    static func perLine(_ width: Int) -> Int { max(1, (width - 1) / 40) }

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height > 0, !metrics.isEmpty else { return }
        TitleRule(title: "metrics", facts: ["\(metrics.count)"], factStyle: theme.dim, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: r.row(0))
        let per = Self.perLine(r.width), cell = (r.width - 1) / per
        for (i, m) in metrics.enumerated() {
            let row = 1 + i / per
            guard row < r.height else { break }
            var x = r.x + 1 + (i % per) * cell
            let name = m.phase.map { "\(m.name) (\($0))" } ?? m.name
            x += g.put(TextWidth.truncate(name, to: min(18, cell / 2), ellipsis: glyphs.ellipsis) + " ", x: x, y: r.y + row, style: theme.text)
            x += g.put(m.shown + " ", x: x, y: r.y + row, style: theme.title)
            if let recent = m.recent, recent.count > 1 {
                let room = max(0, r.x + 1 + (i % per + 1) * cell - x - 1)
                g.put(glyphs.sparkline(Array(recent.suffix(room))), x: x, y: r.y + row, style: theme.running)
            }
        }
    }
}
