/// A rule across the rectangle's first row with a title: "─ etl-orders  failed · 3s ─────".
struct TitleRule: Widget {
    var title: String
    var facts: [String]
    var factStyle: Style
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        for i in 0..<r.width { g.put(glyphs.horizontal, x: r.x + i, y: r.y, style: theme.border) }
        var cx = r.x + 1
        cx += g.put(" \(title) ", x: cx, y: r.y, style: theme.title, limit: r.maxX, ellipsis: glyphs.ellipsis)
        if !facts.isEmpty {
            g.put(" " + facts.joined(separator: " \(glyphs.dot) ") + " ", x: cx, y: r.y, style: factStyle, limit: r.maxX, ellipsis: glyphs.ellipsis)
        }
    }
}
