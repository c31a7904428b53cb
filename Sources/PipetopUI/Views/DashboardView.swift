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
            let text = (m.nav.filters[m.nav.filterKey] ?? "")
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

/// The top line: host, job counts, unacknowledged alerts (always visible), the clock.
enum Header {
    static func draw(into g: inout Grid, _ m: DashboardModel, glyphs: Glyphs, theme: Theme) {
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), theme.header)
        var x = g.put(" pipetop ", x: 0, y: 0, style: theme.headerAccent)
        let jobs = Array(m.state.jobs.values)
        let counts: [(String, Int)] = [
            ("running", jobs.filter { $0.state.isActive || $0.state == .pending }.count),
            ("paused", jobs.filter { $0.state == .paused }.count),
            ("failed", jobs.filter { $0.state == .failed }.count),
            ("done", jobs.filter { $0.state == .completed }.count),
            ("canceled", jobs.filter { $0.state == .canceled }.count),
        ]
        let parts = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        let summary = "\(jobs.count) job\(jobs.count == 1 ? "" : "s")" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
        let unacked = m.state.alerts.unacknowledged
        let alertText = unacked > 0 ? " \(glyphs.alertMark) \(unacked) alert\(unacked == 1 ? "" : "s") " : " no alerts "
        var right = " \(Format.clock(m.now)) "
        if let h = m.state.host.last, g.width >= 100 {
            right = " cpu \(Int(saturating: h.cpuPercent.rounded()))% mem \(Format.bytes(h.memUsed))/\(Format.bytes(h.memTotal))" + right
        }
        let alertX = g.width - TextWidth.columns(right) - TextWidth.columns(alertText)
        x += g.put(" \(m.host) \(glyphs.dot) ", x: x, y: 0, style: theme.header, limit: alertX)
        g.put(summary, x: x, y: 0, style: theme.header, limit: alertX - 1)
        g.put(alertText, x: alertX, y: 0, style: unacked > 0 ? theme.error.with(.reverse) : theme.header)
        g.put(right, x: g.width - TextWidth.columns(right), y: 0, style: theme.header)
    }
}

/// "terminal too small" in place of a view, until the terminal grows.
public enum TooSmall {
    public static func draw(into g: inout Grid, need: (Int, Int), theme: Theme) {
        let lines = ["terminal too small", "need \(need.0)x\(need.1)", "now \(g.width)x\(g.height)"]
        let top = max(0, (g.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            g.put(l, x: max(0, (g.width - l.count) / 2), y: top + i, style: i == 0 ? theme.error : theme.text)
        }
    }
}

/// A rule across the screen with a title: "─ etl-orders  failed · 3s ─────".
enum TitleRule {
    static func draw(into g: inout Grid, x: Int, y: Int, width: Int, title: String, facts: [String], factStyle: Style,
                     glyphs: Glyphs, theme: Theme) {
        for i in 0..<width { g.put(glyphs.horizontal, x: x + i, y: y, style: theme.border) }
        var cx = x + 1
        cx += g.put(" \(title) ", x: cx, y: y, style: theme.title, limit: x + width)
        if !facts.isEmpty {
            g.put(" " + facts.joined(separator: " \(glyphs.dot) ") + " ", x: cx, y: y, style: factStyle, limit: x + width)
        }
    }
}
