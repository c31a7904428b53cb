/// The bottom line: the key table's footer entries on the left, a status on the right.
public struct Footer: Widget {
    public var bindings: [Binding]
    public var status: String
    public var statusStyle: Style
    /// The status is a message for the person: it may take all but room for the first keys.
    public var urgent: Bool
    public var glyphs: Glyphs
    public var theme: Theme

    public init(bindings: [Binding], status: String, statusStyle: Style, urgent: Bool = false, glyphs: Glyphs, theme: Theme) {
        self.bindings = bindings; self.status = status; self.statusStyle = statusStyle; self.urgent = urgent
        self.glyphs = glyphs; self.theme = theme
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let y = r.y, width = r.width
        g.fill(Rect(x: r.x, y: y, width: width, height: 1), theme.footerText)
        var x = r.x
        // The status takes a third of the line, or all but room for the first keys when it
        // is a message for the person; a mere socket path goes first when the keys need room.
        let keysWidth = bindings.compactMap { b in b.footer.map { TextWidth.columns(" \(b.shownKeys(glyphs)) ") + TextWidth.columns($0) + 2 } }.reduce(0, +)
        let room = width - keysWidth - 1
        let statusWidth = min(TextWidth.columns(status), max(0, urgent ? width - 24 : room >= 16 ? room : 0))
        let keysEnd = r.maxX - statusWidth - 1
        for b in bindings {
            guard let text = b.footer else { continue }
            let key = " \(b.shownKeys(glyphs)) "
            let need = TextWidth.columns(key) + TextWidth.columns(text) + 2
            if x + need > keysEnd { break }
            let start = x
            x += g.put(key, x: x, y: y, style: theme.footerKey)
            x += g.put(" \(text) ", x: x, y: y, style: theme.footerText)
            if let k = b.keys.first { g.mark(Rect(x: start, y: y, width: x - start, height: 1), .key(k)) }
        }
        if statusWidth > 0 {
            let s = TextWidth.truncate(status, to: statusWidth, ellipsis: glyphs.ellipsis)
            g.put(s, x: r.maxX - TextWidth.columns(s), y: y, style: statusStyle)
        }
    }
}
