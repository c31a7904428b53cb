import PipetopCore

/// A line under the header while the engine cannot keep its promise (its database cannot be
/// written): on every screen, local or attached, since it comes with the state as pipetop's
/// own alert. Returns the rows it took (0 or 1).
enum Banner {
    static func draw(into g: inout Grid, _ m: DashboardModel, y: Int, glyphs: Glyphs, theme: Theme) -> Int {
        guard let alert = m.state.notSavedAlert else { return 0 }
        let style = theme.error.with([.reverse, .bold])
        g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style)
        // The message starts with what matters ("events are not saved (REASON): FILE ..."): a
        // narrow screen keeps its start.
        g.put(" \(glyphs.alertMark) \(alert.message)", x: 0, y: y, style: style, limit: g.width)
        return 1
    }
}
