import PipetopCore

/// The whole screen for the current place: header, the screen's body, footer, and the help
/// overlay on top when asked for.
public struct DashboardView: Widget {
    public static let minWidth = 40
    public static let minHeight = 10

    public var model: DashboardModel
    public var glyphs: Glyphs
    public var theme: Theme

    public init(model: DashboardModel, glyphs: Glyphs, theme: Theme) {
        self.model = model; self.glyphs = glyphs; self.theme = theme
    }

    /// Below this only "terminal too small" is shown (and keys do nothing but `q`).
    public static func isTooSmall(width: Int, height: Int) -> Bool { width < minWidth || height < minHeight }

    /// A frame of `width` x `height` for `m`.
    public static func render(_ m: DashboardModel, width: Int, height: Int, glyphs: Glyphs, theme: Theme) -> Grid {
        var g = Grid(width: width, height: height)
        DashboardView(model: m, glyphs: glyphs, theme: theme).render(into: &g, rect: Rect(x: 0, y: 0, width: width, height: height))
        return g
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let m = model
        if Self.isTooSmall(width: r.width, height: r.height) {
            TooSmall(need: (Self.minWidth, Self.minHeight), theme: theme).render(into: &g, rect: r)
            return
        }
        Header(model: m, glyphs: glyphs, theme: theme).render(into: &g, rect: r.row(0))
        let banner = Banner(model: m, glyphs: glyphs, theme: theme)
        banner.render(into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: banner.height))
        let body = Rect(x: r.x, y: r.y + 1 + banner.height, width: r.width, height: r.height - 2 - banner.height)
        switch m.nav.screen {
        case .overview: OverviewView(model: m, glyphs: glyphs, theme: theme).render(into: &g, rect: body)
        case .job(let id): JobView(model: m, jobID: id, glyphs: glyphs, theme: theme).render(into: &g, rect: body)
        case .phase(let j, let p): PhaseView(model: m, jobID: j, phaseID: p, glyphs: glyphs, theme: theme).render(into: &g, rect: body)
        case .alerts: AlertsView(model: m, glyphs: glyphs, theme: theme).render(into: &g, rect: body)
        case .text(let t): PagerView(model: m, text: t, glyphs: glyphs, theme: theme).render(into: &g, rect: body)
        case .hosts: HostsView(model: m, glyphs: glyphs, theme: theme).render(into: &g, rect: body)
        }
        footer(&g, rect: r.row(r.height - 1))
        if m.nav.helpShown {
            g.unmark(r)  // behind the help nothing is clickable: a click closes it
            HelpOverlay(context: m.nav.context, glyphs: glyphs, theme: theme, scroll: m.nav.helpScroll).render(into: &g, rect: r)
        }
    }

    /// The bottom line: the filter being typed, a question, or the keys and the status.
    private func footer(_ g: inout Grid, rect r: Rect) {
        let m = model
        let y = r.y
        if m.nav.editingFilter {
            g.fill(r, theme.footerText)
            let x = r.x + g.put(" filter: ", x: r.x, y: y, style: theme.footerKey)
            let text = m.nav.list(m.nav.listKey).filter ?? ""
            let shown = g.put(" " + text, x: x, y: y, style: theme.title, limit: r.maxX - 30)
            g.put(glyphs.tier == .utf8 ? "█" : "_", x: x + shown, y: y, style: theme.title)
            let hint = "Enter keep  Esc clear "
            g.put(hint, x: r.maxX - TextWidth.columns(hint), y: y, style: theme.dim)
            return
        }
        if let c = m.nav.confirm {
            g.fill(r, theme.warn.with(.reverse))
            g.put(" " + c.question, x: r.x, y: y, style: theme.warn.with([.reverse, .bold]))
            return
        }
        if let hint = m.nav.hint {
            g.fill(r, theme.footerText)
            g.put(" " + hint, x: r.x, y: y, style: theme.warn, limit: r.maxX, ellipsis: glyphs.ellipsis)
            return
        }
        Footer(bindings: KeyTable.footer(for: m.nav.context), status: status, statusStyle: statusStyle, urgent: m.link != .live || m.nav.filter != nil,
               glyphs: glyphs, theme: theme).render(into: &g, rect: r)
    }

    var status: String {
        if let f = model.nav.filter { return "filter: \(f) " }
        switch model.link {
        case .live: return model.socket + " "
        case .connecting: return "connecting to \(model.socket) "
        case .lost(let why): return "disconnected: \(why) "
        }
    }

    var statusStyle: Style {
        if case .lost = model.link { return theme.error }
        if model.nav.filter != nil { return theme.running }
        return theme.footerText
    }
}
