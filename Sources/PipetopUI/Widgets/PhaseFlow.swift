import PipetopCore

/// The phases as a flow, wrapped onto more lines (up to the rectangle's height) when they do
/// not fit one: "● fetch ─▶ ◐ parse ─▶ ○ load".
struct PhaseFlow: Widget {
    var job: BoardJob
    var glyphs: Glyphs
    var theme: Theme

    /// The rows the flow takes at `width` in at most `maxRows`.
    func rows(width: Int, maxRows: Int) -> Int {
        layout(x: 0, y: 0, width: width, maxRows: maxRows) { text, x, _, _, limit in
            min(TextWidth.columns(text), max(0, (limit ?? Int.max) - x))
        }
    }

    func render(into g: inout Grid, rect r: Rect) {
        _ = layout(x: r.x, y: r.y, width: r.width, maxRows: r.height) { g.put($0, x: $1, y: $2, style: $3, limit: $4) }
    }

    /// Lays the flow out, handing each piece to `put` (which returns the columns it took);
    /// returns the rows used. One walk for drawing and for measuring, so they always agree.
    private func layout(x: Int, y: Int, width: Int, maxRows: Int, _ put: (String, Int, Int, Style, Int?) -> Int) -> Int {
        guard !job.phases.isEmpty else { return 0 }
        var row = 0
        var cx = x
        let arrow = " \(glyphs.flowArrow) "
        for (i, p) in job.phases.enumerated() {
            let label = glyphs.phase(p, of: job) + " " + TextWidth.truncate(p.name, to: max(4, width / 3), ellipsis: glyphs.ellipsis)
            let need = TextWidth.columns(label) + (i > 0 ? TextWidth.columns(arrow) : 0)
            if i > 0 && cx + need > x + width {
                if row + 1 >= maxRows {
                    _ = put(" " + glyphs.ellipsis, min(cx, x + width - 2), y + row, theme.dim, nil)
                    return row + 1
                }
                row += 1
                cx = x
                cx += put(glyphs.flowArrow + " ", cx, y + row, theme.border, nil)
            } else if i > 0 {
                cx += put(arrow, cx, y + row, theme.border, nil)
            }
            let style = p.state == .running ? theme.phase(p, of: job).with(.bold) : theme.phase(p, of: job)
            cx += put(label, cx, y + row, style, x + width)
        }
        return row + 1
    }
}
