import PipetopCore

/// Two graphs side by side with their scale on the left: CPU and memory.
struct TwinGraphs: Widget {
    /// Each graph: its name, its series and the value at its top.
    var left: (String, [Double], Double)
    var right: (String, [Double], Double)
    /// How the right graph's top reads ("512M"; the left one's is a percentage).
    var rightLabel: String
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height >= 1, r.width >= 20 else { return }
        let half = r.width / 2
        func one(_ x: Int, _ w: Int, _ name: String, _ series: [Double], _ top: Double, _ topLabel: String, _ style: Style) {
            let label = TextWidth.fit(topLabel, 6, alignRight: true)
            g.put(label, x: x, y: r.y, style: theme.dim)
            g.put(TextWidth.fit(name, 6, alignRight: true), x: x, y: r.maxY - 1, style: theme.dim)
            let area = Rect(x: x + 7, y: r.y, width: w - 8, height: r.height)
            let points = glyphs.tier == .utf8 ? area.width * 2 : area.width
            Graph(values: Array(series.suffix(points)), maxValue: top, style: style, glyphs: glyphs).render(into: &g, rect: area)
        }
        one(r.x, half, left.0, left.1, left.2, "\(Int(left.2))%", theme.running)
        one(r.x + half, r.width - half, right.0, right.1, right.2, rightLabel, theme.done)
    }
}
