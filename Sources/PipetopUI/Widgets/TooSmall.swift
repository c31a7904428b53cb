/// "terminal too small" in place of a view, until the terminal grows.
public struct TooSmall: Widget {
    /// The smallest size the views need, columns and rows.
    public var need: (width: Int, height: Int)
    public var theme: Theme

    public init(need: (width: Int, height: Int), theme: Theme) {
        self.need = need
        self.theme = theme
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let lines = ["terminal too small", "need \(need.width)x\(need.height)", "now \(r.width)x\(r.height)"]
        let top = r.y + max(0, (r.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            g.put(l, x: r.x + max(0, (r.width - l.count) / 2), y: top + i, style: i == 0 ? theme.error : theme.text)
        }
    }
}
