/// The bottom line: the key table's footer entries on the left, a status on the right.
public struct Footer {
    public static func draw(into g: inout Grid, y: Int, width: Int, bindings: [Binding], status: String,
                            statusStyle: Style, urgent: Bool = false, glyphs: Glyphs, theme: Theme) {
        g.fill(Rect(x: 0, y: y, width: width, height: 1), theme.footerText)
        var x = 0
        // The status takes a third of the line, or all but room for the first keys when it
        // is a message for the person.
        let statusWidth = min(TextWidth.columns(status), max(0, urgent ? width - 24 : width / 3))
        let keysEnd = width - statusWidth - 1
        for b in bindings {
            guard let text = b.footer else { continue }
            let key = " \(b.shownKeys(glyphs)) "
            let need = TextWidth.columns(key) + TextWidth.columns(text) + 2
            if x + need > keysEnd { break }
            x += g.put(key, x: x, y: y, style: theme.footerKey)
            x += g.put(" \(text) ", x: x, y: y, style: theme.footerText)
        }
        if statusWidth > 0 {
            let s = TextWidth.truncate(status, to: statusWidth, ellipsis: glyphs.ellipsis)
            g.put(s, x: width - TextWidth.columns(s), y: y, style: statusStyle)
        }
    }
}
