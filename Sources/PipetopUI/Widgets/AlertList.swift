import PipetopCore

/// A list of alerts: severity, job/phase, message, since when, repeats, acknowledgement;
/// acknowledged, silenced and resolved ones dimmed. The pane's rows and the `!` screen's.
struct AlertList: Widget {
    var alerts: [Alert]
    /// The selected alert's id; nil draws no cursor.
    var selected: String?
    /// For the names of the alerts' jobs and phases.
    var state: Board
    var now: Double
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height > 0 else { return }
        if alerts.isEmpty {
            g.put("no alerts", x: r.x + 4, y: r.y, style: theme.dim)
            return
        }
        let selIndex = selected.flatMap { id in alerts.firstIndex { $0.id == id } } ?? 0
        let whereWidth = min(30, max(12, r.width / 4))
        for (row, i) in ListState.window(selected: selIndex, count: alerts.count, rows: r.height).enumerated() {
            let a = alerts[i]
            let y = r.y + row
            let isSel = a.id == selected
            // Acknowledged, silenced and resolved alerts stay, dimmed, so the history is visible.
            var base = a.needsAttention ? theme.text : theme.dim
            if isSel { g.paint(Rect(x: r.x, y: y, width: r.width, height: 1), theme.selection); base = base.on(theme.selection.bg).with(theme.selection.attrs) }
            func st(_ s: Style) -> Style { isSel ? s.on(theme.selection.bg).with(theme.selection.attrs) : (a.needsAttention ? s : theme.dim) }
            var x = r.x
            if isSel { g.put(glyphs.selected, x: x, y: y, style: st(theme.title)) }
            x += 2
            x += g.put(glyphs.severity(a.severity) + " ", x: x, y: y, style: st(theme.severity(a.severity)))
            let place = (state[job: a.job]?.name ?? a.job) + (a.phase.map { "/" + (state[job: a.job]?.phase($0)?.name ?? $0) } ?? "")
            g.put(TextWidth.fit(place, whereWidth, ellipsis: glyphs.ellipsis), x: x, y: y, style: base)
            x += whereWidth + 1
            var tail = " " + Format.duration(now - a.firstAt) + " ago"
            if a.count > 1 { tail = " ×\(a.count)" + tail }
            if let n = a.details?.count, n > 0 { tail = " +\(n) detail\(n == 1 ? "" : "s")" + tail }
            if !a.isOpen { tail += " \(glyphs.dot) resolved" }
            else if let ack = a.ack { tail += " \(glyphs.dot) \(glyphs.ackMark) \(ack.by)" }
            if a.isOpen, let until = a.silencedUntil { tail += " \(glyphs.dot) silenced \(Format.duration(until - now))" }
            let tailWidth = TextWidth.columns(tail)
            let msgEnd = r.maxX - tailWidth - 1
            g.put(a.message, x: x, y: y, style: a.severity == .critical && a.needsAttention ? st(theme.error) : base, limit: msgEnd)
            g.put(tail, x: r.maxX - tailWidth - 1, y: y, style: st(theme.dim))
        }
    }
}
