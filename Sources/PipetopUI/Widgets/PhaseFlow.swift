import PipetopCore

/// The phases as a flow, wrapped onto more lines when they do not fit one:
/// "● fetch ─▶ ◐ parse ─▶ ○ load". Returns the rows used.
enum PhaseFlow {
    static func draw(into g: inout Grid, job: Job, x: Int, y: Int, width: Int, maxRows: Int, glyphs: Glyphs, theme: Theme) -> Int {
        guard !job.phases.isEmpty else { return 0 }
        var row = 0
        var cx = x
        let arrow = " \(glyphs.flowArrow) "
        for (i, p) in job.phases.enumerated() {
            let label = glyphs.phase(p.state) + " " + TextWidth.truncate(p.name, to: max(4, width / 3), ellipsis: glyphs.ellipsis)
            let need = TextWidth.columns(label) + (i > 0 ? TextWidth.columns(arrow) : 0)
            if i > 0 && cx + need > x + width {
                if row + 1 >= maxRows {
                    g.put(" " + glyphs.ellipsis, x: min(cx, x + width - 2), y: y + row, style: theme.dim)
                    return row + 1
                }
                row += 1
                cx = x
                cx += g.put(glyphs.flowArrow + " ", x: cx, y: y + row, style: theme.border)
            } else if i > 0 {
                cx += g.put(arrow, x: cx, y: y + row, style: theme.border)
            }
            let style = p.state == .running ? theme.phase(p.state).with(.bold) : theme.phase(p.state)
            cx += g.put(label, x: cx, y: y + row, style: style, limit: x + width)
        }
        return row + 1
    }
}
