import PipetopCore

/// A whole text, scrollable like less: long lines wrap (nothing is cut), `/` searches and the
/// matches are lit, `f` follows a log's end.
struct PagerView: Widget {
    var model: DashboardModel
    var text: PagerText
    var glyphs: Glyphs
    var theme: Theme

    /// The text's lines wrapped to `width` (what the navigator scrolls through).
    static func wrapped(_ t: PagerText, in m: DashboardModel, width: Int) -> (title: String, lines: [String]) {
        guard let (title, lines) = PagerContent.text(t, in: m.board, now: m.now) else { return ("gone", ["this text is no longer on the board (Esc goes back)"]) }
        return (title, lines.flatMap { WordWrap.lines(TextWidth.visible($0), width: max(1, width)) })
    }

    /// The first line shown: the pager's own, or the end when it follows (clamped).
    static func top(_ p: PagerState, lines: Int, rows: Int) -> Int {
        let last = max(0, lines - rows)
        return p.follow ? last : max(0, min(p.top, last))
    }

    func render(into g: inout Grid, rect r: Rect) {
        let p = model.nav.pager
        let search = model.nav.list(.text).activeFilter
        let (title, lines) = Self.wrapped(text, in: model, width: r.width - 2)
        let rows = max(1, r.height - 1)
        let top = Self.top(p, lines: lines.count, rows: rows)
        var facts = ["\(min(lines.count, top + 1))-\(min(lines.count, top + rows)) of \(lines.count)"]
        if p.follow { facts.append("following") }
        if let s = search, !s.isEmpty { facts.append("/\(s): \(lines.filter { $0.lowercased().contains(s.lowercased()) }.count) lines") }
        TitleRule(title: title, facts: facts, factStyle: theme.dim, glyphs: glyphs, theme: theme).render(into: &g, rect: r.row(0))
        let needle = search?.lowercased()
        for (i, line) in lines.dropFirst(top).prefix(rows).enumerated() {
            let lit = needle.map { !$0.isEmpty && line.lowercased().contains($0) } ?? false
            g.put(line, x: r.x + 1, y: r.y + 1 + i, style: lit ? theme.title.with(.reverse) : theme.text, limit: r.maxX)
        }
    }
}
