import PipetopCore

/// The newest log lines under a title, levels coloured.
struct LogLines: Widget {
    var logs: [LogLine]
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        TitleRule(title: "log", facts: ["\(logs.count) line\(logs.count == 1 ? "" : "s") kept"], factStyle: theme.dim, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: r)
        let rows = r.height - 1
        guard rows > 0 else { return }
        if logs.isEmpty { g.put("no log lines", x: r.x + 2, y: r.y + 1, style: theme.dim); return }
        // The log follows its newest line: the window of a list whose last row is selected.
        for (i, k) in ListState.window(selected: logs.count - 1, count: logs.count, rows: rows).enumerated() {
            let l = logs[k]
            let y = r.y + 1 + i
            var x = r.x + 1
            x += g.put(Format.clock(l.at) + " ", x: x, y: y, style: theme.dim)
            x += g.put(TextWidth.fit(l.level.rawValue.uppercased(), 5) + " ", x: x, y: y, style: theme.log(l.level))
            if let ph = l.phase { x += g.put(TextWidth.truncate(ph, to: 16) + " ", x: x, y: y, style: theme.dim) }
            g.put(l.message, x: x, y: y, style: l.level == .error ? theme.error : theme.text, limit: r.maxX, ellipsis: glyphs.ellipsis)
        }
    }
}
