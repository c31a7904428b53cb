import PipetopCore

/// The whole screen for the current place: header, the screen's body, footer, and the help
/// overlay on top when asked for.
public enum DashboardView {
    public static let minWidth = 40
    public static let minHeight = 10

    /// Below this only "terminal too small" is shown (and keys do nothing but `q`).
    public static func isTooSmall(width: Int, height: Int) -> Bool { width < minWidth || height < minHeight }

    public static func render(_ m: DashboardModel, width: Int, height: Int, glyphs: Glyphs, theme: Theme) -> Grid {
        var g = Grid(width: width, height: height)
        if isTooSmall(width: width, height: height) {
            TooSmall.draw(into: &g, need: (minWidth, minHeight), theme: theme)
            return g
        }
        Header.draw(into: &g, m, glyphs: glyphs, theme: theme)
        let banner = Banner.draw(into: &g, m, y: 1, glyphs: glyphs, theme: theme)
        let body = Rect(x: 0, y: 1 + banner, width: width, height: height - 2 - banner)
        switch m.nav.screen {
        case .overview: OverviewView.draw(into: &g, m, rect: body, glyphs: glyphs, theme: theme)
        case .job(let id): JobView.draw(into: &g, m, jobID: id, rect: body, glyphs: glyphs, theme: theme)
        case .phase(let j, let p): PhaseView.draw(into: &g, m, jobID: j, phaseID: p, rect: body, glyphs: glyphs, theme: theme)
        case .alerts: AlertsView.draw(into: &g, m, rect: body, glyphs: glyphs, theme: theme)
        }
        footer(&g, m, y: height - 1, glyphs: glyphs, theme: theme)
        if m.nav.helpShown { HelpOverlay.draw(into: &g, context: m.nav.context, glyphs: glyphs, theme: theme) }
        return g
    }

    static func footer(_ g: inout Grid, _ m: DashboardModel, y: Int, glyphs: Glyphs, theme: Theme) {
        if m.nav.editingFilter {
            g.fill(Rect(x: 0, y: y, width: g.width, height: 1), theme.footerText)
            let x = g.put(" filter: ", x: 0, y: y, style: theme.footerKey)
            let text = m.nav.list(m.nav.listKey).filter ?? ""
            let shown = g.put(" " + text, x: x, y: y, style: theme.title, limit: g.width - 30)
            g.put(glyphs.tier == .utf8 ? "█" : "_", x: x + shown, y: y, style: theme.title)
            let hint = "Enter keep  Esc clear "
            g.put(hint, x: g.width - TextWidth.columns(hint), y: y, style: theme.dim)
            return
        }
        if let c = m.nav.confirm {
            g.fill(Rect(x: 0, y: y, width: g.width, height: 1), theme.warn.with(.reverse))
            g.put(" " + c.question, x: 0, y: y, style: theme.warn.with([.reverse, .bold]))
            return
        }
        Footer.draw(into: &g, y: y, width: g.width, bindings: KeyTable.footer(for: m.nav.context), status: status(m),
                    statusStyle: statusStyle(m, theme), urgent: m.link != .live, glyphs: glyphs, theme: theme)
    }

    static func status(_ m: DashboardModel) -> String {
        if let f = m.nav.filter { return "filter: \(f) " }
        switch m.link {
        case .live: return m.socket + " "
        case .connecting: return "connecting to \(m.socket) "
        case .lost(let why): return "disconnected: \(why) "
        }
    }

    static func statusStyle(_ m: DashboardModel, _ theme: Theme) -> Style {
        if case .lost = m.link { return theme.error }
        if m.nav.filter != nil { return theme.running }
        return theme.footerText
    }
}
