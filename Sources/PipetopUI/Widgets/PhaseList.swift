import PipetopCore

/// The job screen's phase table: column titles, then a row per phase in a window that keeps
/// the selected one in view. Full width: its columns (`PhaseTable`) start at the screen's
/// left edge.
struct PhaseList: Widget {
    /// The column layout, made for the phases shown and the screen's width.
    var table: PhaseTable
    /// The phases in the order shown, after the filter.
    var phases: [BoardPhase]
    var selected: String?
    /// False while the alerts pane has the cursor.
    var showsCursor: Bool
    /// What the first row says when there is no phase to show.
    var emptyText: String
    var now: Double
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height > 0 else { return }
        table.titles(&g, y: r.y, theme: theme)
        let selIndex = phases.firstIndex { $0.id == selected } ?? 0
        for (row, i) in ListState.window(selected: selIndex, count: phases.count, rows: r.height - 1).enumerated() {
            let p = phases[i]
            g.mark(Rect(x: r.x, y: r.y + 1 + row, width: r.width, height: 1), .phase(job: table.job.id, phase: p.id))
            table.row(&g, p, y: r.y + 1 + row, selected: p.id == selected && showsCursor, now: now, glyphs: glyphs, theme: theme)
        }
        if phases.isEmpty { g.put(emptyText, x: 4, y: r.y + 1, style: theme.dim) }
    }
}
