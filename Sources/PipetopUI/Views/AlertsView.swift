import PipetopCore

/// Every alert, full screen (`!`).
public struct AlertsView: Widget {
    public var model: DashboardModel
    public var glyphs: Glyphs
    public var theme: Theme

    public init(model: DashboardModel, glyphs: Glyphs, theme: Theme) {
        self.model = model; self.glyphs = glyphs; self.theme = theme
    }

    public func render(into g: inout Grid, rect r: Rect) {
        let m = model
        let alerts = m.nav.alertScope(in: m.board)
        let open = alerts.filter(\.needsAttention).count
        TitleRule(title: "alerts",
                  facts: ["\(open) need\(open == 1 ? "s" : "") attention", "\(alerts.count) shown", "a ack", "A ack all", "s silence", "x clear", "Enter go to"],
                  factStyle: open > 0 ? theme.error : theme.dim, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: r.y, width: r.width, height: 1))
        let selected = m.nav.alert(in: m.board)
        let detailRows = AlertDetails.height(for: selected, in: r.height - 1)
        AlertList(alerts: alerts, selected: selected?.id, state: m.board, now: m.now, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1 - detailRows))
        if let selected, detailRows > 0 {
            AlertDetails(alert: selected, glyphs: glyphs, theme: theme)
                .render(into: &g, rect: Rect(x: r.x, y: r.maxY - detailRows, width: r.width, height: detailRows))
        }
    }
}
