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
            g.mark(Rect(x: r.x, y: y, width: r.width, height: 1), .alert(a.id))
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
            // The time is a column of its own at the right edge, whatever comes before it (an
            // acknowledgement, a silence), so the rows' times line up.
            let time = " " + TextWidth.fit(Format.duration(now - a.firstAt) + " ago", 9, alignRight: true)
            // Who acknowledged it (or that it resolved, or is silenced) first: a cut takes the rest.
            var notes = ""
            if !a.isOpen { notes += " \(glyphs.dot) resolved" }
            else if let ack = a.ack { notes += " \(glyphs.dot) \(glyphs.ackMark) \(ack.by)" }
            if a.isOpen, let until = a.silencedUntil { notes += " \(glyphs.dot) silenced \(Format.duration(until - now))" }
            if a.count > 1 { notes += " ×\(a.count)" }
            if let n = a.details?.count, n > 0 { notes += " +\(n) detail\(n == 1 ? "" : "s")" }
            let timeX = r.maxX - TextWidth.columns(time) - 1
            // The message first; the notes keep at least a third of what is left; the time stays.
            let room = max(0, timeX - x), noteCols = TextWidth.columns(notes)
            let notesWidth = min(noteCols, max(room - TextWidth.columns(a.message) - 1, min(noteCols, room / 3)))
            let notesShown = TextWidth.truncate(notes, to: max(0, notesWidth), ellipsis: glyphs.ellipsis)
            let msgEnd = timeX - TextWidth.columns(notesShown)
            g.put(a.message, x: x, y: y, style: a.severity == .critical && a.needsAttention ? st(theme.error) : base, limit: msgEnd, ellipsis: glyphs.ellipsis)
            g.put(notesShown, x: msgEnd, y: y, style: st(theme.dim))
            g.put(time, x: timeX, y: y, style: st(theme.dim))
        }
    }
}
