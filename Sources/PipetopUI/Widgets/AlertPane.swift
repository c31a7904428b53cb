import PipetopCore

/// The alerts pane under the overview and job screens: a title with the counts, then the
/// alerts; its rows are selectable once Tab gives it the cursor.
struct AlertPane: Widget {
    var alerts: [Alert]
    var selected: String?
    var focused: Bool
    /// For the names of the alerts' jobs and phases.
    var state: Board
    var now: Double
    var glyphs: Glyphs
    var theme: Theme

    /// Rows the pane takes in `r`: none on short terminals (the header keeps the count),
    /// a title and up to six alerts otherwise.
    static func height(for count: Int, in r: Rect, focused: Bool) -> Int {
        guard r.height >= 28 || focused else { return 0 }
        return 1 + min(6, max(1, count))
    }

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height > 0 else { return }
        let open = alerts.filter(\.needsAttention).count
        TitleRule(title: "alerts", facts: ["\(open) need\(open == 1 ? "s" : "") attention", "\(alerts.count) shown"] + (focused ? ["Tab: back to the list"] : []),
                  factStyle: open > 0 ? theme.error : theme.dim, glyphs: glyphs, theme: theme).render(into: &g, rect: r)
        AlertList(alerts: alerts, selected: focused ? selected : nil, state: state, now: now, glyphs: glyphs, theme: theme)
            .render(into: &g, rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1))
    }
}
