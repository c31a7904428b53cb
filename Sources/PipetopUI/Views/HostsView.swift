import Foundation
import PipetopCore

/// `H`: every engine an attached dashboard watches: its link, how many jobs it has, when a
/// dropped one is tried again, and why it dropped, in full (the header can only say so much).
struct HostsView: Widget {
    var model: DashboardModel
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        let hosts = model.hosts
        let down = hosts.filter { if case .lost = $0.link { return true } else { return false } }.count
        TitleRule(title: "hosts", facts: ["\(hosts.count)", "\(down) down"], factStyle: theme.dim, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: r.row(0))
        guard !hosts.isEmpty else {
            g.put("this dashboard watches one engine, on \(model.socket); `pipetop attach HOST...` watches several over ssh",
                  x: r.x + 2, y: r.y + 1, style: theme.dim, limit: r.maxX)
            return
        }
        let nameWidth = min(32, max(8, hosts.map { TextWidth.columns($0.name) }.max() ?? 8))
        let s = theme.dim.with(.bold)
        g.put("HOST", x: r.x + 2, y: r.y + 1, style: s)
        g.put("LINK", x: r.x + 3 + nameWidth, y: r.y + 1, style: s)
        g.put(TextWidth.fit("JOBS", 6, alignRight: true), x: r.x + 16 + nameWidth, y: r.y + 1, style: s)
        g.put("NEXT TRY", x: r.x + 24 + nameWidth, y: r.y + 1, style: s)
        var y = r.y + 2
        let now = Date().timeIntervalSince1970
        for h in hosts where y < r.maxY {
            let (state, style): (String, Style)
            switch h.link {
            case .live: (state, style) = ("live", theme.running)
            case .connecting: (state, style) = ("connecting", theme.warn)
            case .lost: (state, style) = ("down", theme.error)
            }
            g.put(TextWidth.truncate(h.name, to: nameWidth, ellipsis: glyphs.ellipsis), x: r.x + 2, y: y, style: theme.text)
            g.put(state, x: r.x + 3 + nameWidth, y: y, style: style)
            g.put(TextWidth.fit("\(h.jobs)", 6, alignRight: true), x: r.x + 16 + nameWidth, y: y, style: theme.text)
            if let at = h.retryAt, h.link != .live { g.put("in " + Format.duration(max(0, at - now)), x: r.x + 24 + nameWidth, y: y, style: theme.dim) }
            y += 1
            // Why it dropped, whole, wrapped under it.
            if case .lost(let why) = h.link {
                for line in WordWrap.lines(why, width: max(10, r.width - 6)) where y < r.maxY {
                    g.put(line, x: r.x + 4, y: y, style: theme.error, limit: r.maxX, ellipsis: glyphs.ellipsis)
                    y += 1
                }
            }
        }
    }
}
