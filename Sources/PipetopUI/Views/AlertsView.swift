import PipetopCore

/// Every alert, full screen (`!`).
public enum AlertsView {
    static func draw(into g: inout Grid, _ m: DashboardModel, rect r: Rect, glyphs: Glyphs, theme: Theme) {
        let alerts = m.nav.alertScope(in: m.state)
        let open = alerts.filter(\.needsAttention).count
        TitleRule.draw(into: &g, x: r.x, y: r.y, width: r.width, title: "alerts",
                       facts: ["\(open) need\(open == 1 ? "s" : "") attention", "\(alerts.count) shown", "a ack", "A ack all", "s silence", "x clear", "Enter go to"],
                       factStyle: open > 0 ? theme.error : theme.dim, glyphs: glyphs, theme: theme)
        let selected = m.nav.alert(in: m.state)
        let detailRows = AlertDetails.height(for: selected, in: r.height - 1)
        AlertPane.list(into: &g, alerts: alerts, selected: selected?.id, state: m.state,
                       rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1 - detailRows), now: m.now, glyphs: glyphs, theme: theme)
        if let selected, detailRows > 0 {
            AlertDetails.draw(into: &g, alert: selected, rect: Rect(x: r.x, y: r.maxY - detailRows, width: r.width, height: detailRows),
                              glyphs: glyphs, theme: theme)
        }
    }
}
