import PipetopCore

/// Lines under the header: while the engine cannot keep its promise (its database cannot be
/// written), on every screen, local or attached, since it comes with the state as pipetop's
/// own alert; and a problem found at start (the config file, a theme) until a key is pressed.
/// Returns the rows it took (0 to 2).
enum Banner {
    static func draw(into g: inout Grid, _ m: DashboardModel, y: Int, glyphs: Glyphs, theme: Theme) -> Int {
        var rows = 0
        // Each message starts with what matters ("events are not saved (REASON): FILE ..."): a
        // narrow screen keeps its start.
        func line(_ text: String, _ style: Style) {
            g.fill(Rect(x: 0, y: y + rows, width: g.width, height: 1), style)
            g.put(" \(glyphs.alertMark) \(text)", x: 0, y: y + rows, style: style, limit: g.width)
            rows += 1
        }
        if let alert = m.state.notSavedAlert { line(alert.message, theme.error.with([.reverse, .bold])) }
        if let notice = m.notice { line(notice, theme.warn.with(.reverse)) }
        return rows
    }
}
