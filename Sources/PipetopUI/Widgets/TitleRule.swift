import PipetopCore

/// A rule across the screen with a title: "─ etl-orders  failed · 3s ─────".
enum TitleRule {
    static func draw(into g: inout Grid, x: Int, y: Int, width: Int, title: String, facts: [String], factStyle: Style,
                     glyphs: Glyphs, theme: Theme) {
        for i in 0..<width { g.put(glyphs.horizontal, x: x + i, y: y, style: theme.border) }
        var cx = x + 1
        cx += g.put(" \(title) ", x: cx, y: y, style: theme.title, limit: x + width)
        if !facts.isEmpty {
            g.put(" " + facts.joined(separator: " \(glyphs.dot) ") + " ", x: cx, y: y, style: factStyle, limit: x + width)
        }
    }
}
