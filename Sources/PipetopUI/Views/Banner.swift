import PipetopCore

/// Lines under the header: while the link to the engine is down, that the screen shows the
/// past; while the engine cannot keep its promise (its database cannot be written), on every
/// screen, local or attached, since it comes with the state as pipetop's own alert; and a
/// problem found at start (the config file, a theme) until a key is pressed.
struct Banner: Widget {
    var model: DashboardModel
    var glyphs: Glyphs
    var theme: Theme

    /// The screen's width (the message about a dropped link has a shorter form).
    var width = 80

    private var lines: [(String, Style)] {
        var lines: [(String, Style)] = []
        if let since = model.disconnectedAt { lines.append((Self.disconnected(since: since, asOf: model.board.at, width: width), theme.error.with([.reverse, .bold]))) }
        if let alert = model.board.notSavedAlert { lines.append((alert.message, theme.error.with([.reverse, .bold]))) }
        if let notice = model.notice { lines.append((notice, theme.warn.with(.reverse))) }
        return lines
    }

    /// The rows it takes (0 to 3).
    var height: Int { lines.count }

    /// What a screen cut off from its engine says first: since when, and that all it shows
    /// is as of then (the reason and the reconnecting are in the footer).
    static func disconnected(since: Double, asOf: Double, width: Int) -> String {
        let long = "disconnected since \(Format.clock(since)): showing the state as of \(Format.clock(asOf)), not live; reconnecting"
        // Both times, whole, on a narrow screen too.
        return TextWidth.columns(long) + 3 <= width ? long : "disconnected since \(Format.clock(since)); as of \(Format.clock(asOf)), not live"
    }

    func render(into g: inout Grid, rect r: Rect) {
        // Each message starts with what matters ("events are not saved (REASON): FILE ..."): a
        // narrow screen keeps its start.
        var shown = self
        shown.width = r.width
        for (row, (text, style)) in shown.lines.prefix(r.height).enumerated() {
            g.fill(Rect(x: r.x, y: r.y + row, width: r.width, height: 1), style)
            g.put(" \(glyphs.alertMark) \(text)", x: r.x, y: r.y + row, style: style, limit: r.maxX, ellipsis: glyphs.ellipsis)
        }
    }
}
