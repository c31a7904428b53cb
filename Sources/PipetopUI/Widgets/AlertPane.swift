import PipetopCore

/// A list of alerts: severity, job/phase, message, since when, repeats, acknowledgement.
/// Used as the pane under the overview and job screens, and full screen (`!`).
enum AlertPane {
    /// Rows the pane takes in `r`: none on short terminals (the header keeps the count),
    /// a title and up to six alerts otherwise.
    static func height(for count: Int, in r: Rect, focused: Bool) -> Int {
        guard r.height >= 28 || focused else { return 0 }
        return 1 + min(6, max(1, count))
    }

    static func draw(into g: inout Grid, alerts: [Alert], selected: String?, focused: Bool, state: PipelineState,
                     rect r: Rect, now: Double, glyphs: Glyphs, theme: Theme) {
        guard r.height > 0 else { return }
        let open = alerts.filter(\.needsAttention).count
        TitleRule.draw(into: &g, x: r.x, y: r.y, width: r.width, title: "alerts",
                       facts: ["\(open) need\(open == 1 ? "s" : "") attention", "\(alerts.count) shown"] + (focused ? ["Tab: back to the list"] : []),
                       factStyle: open > 0 ? theme.error : theme.dim, glyphs: glyphs, theme: theme)
        list(into: &g, alerts: alerts, selected: focused ? selected : nil, state: state,
             rect: Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), now: now, glyphs: glyphs, theme: theme)
    }

    static func list(into g: inout Grid, alerts: [Alert], selected: String?, state: PipelineState, rect r: Rect,
                     now: Double, glyphs: Glyphs, theme: Theme) {
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
