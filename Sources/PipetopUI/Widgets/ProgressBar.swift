/// A horizontal bar for a fraction, drawn in eighths of a cell in UTF-8 and with `#` in ASCII.
/// An unknown fraction (no total) draws an empty track, so the missing figure is visible.
public struct ProgressBar: Widget {
    public var fraction: Double?
    public var fill: Style
    public var empty: Style
    public var glyphs: Glyphs

    public init(fraction: Double?, fill: Style, empty: Style, glyphs: Glyphs) {
        self.fraction = fraction; self.fill = fill; self.empty = empty; self.glyphs = glyphs
    }

    /// Draws on the rectangle's first row.
    public func render(into g: inout Grid, rect r: Rect) {
        let x = r.x, y = r.y, width = r.width
        guard width > 0, r.height > 0 else { return }
        let f = max(0, min(1, fraction ?? 0))
        let eighths = Int(saturating: (f * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        let part = eighths % 8
        for i in 0..<width {
            if i < full {
                g.put(glyphs.barEighths[7], x: x + i, y: y, style: fill)
            } else if i == full && part > 0 {
                g.put(glyphs.barEighths[part - 1], x: x + i, y: y, style: fill)
            } else {
                g.put(glyphs.barEmpty, x: x + i, y: y, style: empty)
            }
        }
    }
}
