/// A frame with a title: rounded in UTF-8, `+-|` in ASCII.
struct Box: Widget {
    var title: String
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        guard r.width >= 2, r.height >= 2 else { return }
        let u = glyphs.tier == .utf8
        let (tl, tr, bl, br) = u ? ("╭", "╮", "╰", "╯") : ("+", "+", "+", "+")
        let h = glyphs.horizontal, v = glyphs.vertical
        for x in r.x + 1..<r.maxX - 1 {
            g.put(h, x: x, y: r.y, style: theme.border)
            g.put(h, x: x, y: r.maxY - 1, style: theme.border)
        }
        for y in r.y + 1..<r.maxY - 1 {
            g.put(v, x: r.x, y: y, style: theme.border)
            g.put(v, x: r.maxX - 1, y: y, style: theme.border)
        }
        g.put(tl, x: r.x, y: r.y, style: theme.border)
        g.put(tr, x: r.maxX - 1, y: r.y, style: theme.border)
        g.put(bl, x: r.x, y: r.maxY - 1, style: theme.border)
        g.put(br, x: r.maxX - 1, y: r.maxY - 1, style: theme.border)
        g.put(" \(title) ", x: r.x + 2, y: r.y, style: theme.title, limit: r.maxX - 2)
    }
}
