import PipetopCore

/// Lines under the header: while the engine cannot keep its promise (its database cannot be
/// written), on every screen, local or attached, since it comes with the state as pipetop's
/// own alert; and a problem found at start (the config file, a theme) until a key is pressed.
struct Banner: Widget {
    var model: DashboardModel
    var glyphs: Glyphs
    var theme: Theme

    private var lines: [(String, Style)] {
        var lines: [(String, Style)] = []
        if let alert = model.board.notSavedAlert { lines.append((alert.message, theme.error.with([.reverse, .bold]))) }
        if let notice = model.notice { lines.append((notice, theme.warn.with(.reverse))) }
        return lines
    }

    /// The rows it takes (0 to 2).
    var height: Int { (model.board.notSavedAlert == nil ? 0 : 1) + (model.notice == nil ? 0 : 1) }

    func render(into g: inout Grid, rect r: Rect) {
        // Each message starts with what matters ("events are not saved (REASON): FILE ..."): a
        // narrow screen keeps its start.
        for (row, (text, style)) in lines.prefix(r.height).enumerated() {
            g.fill(Rect(x: r.x, y: r.y + row, width: r.width, height: 1), style)
            g.put(" \(glyphs.alertMark) \(text)", x: r.x, y: r.y + row, style: style, limit: r.maxX, ellipsis: glyphs.ellipsis)
        }
    }
}
