import PipetopCore

/// Under the alerts list: what the selected alert holds besides its message (a failure's
/// failed phases and error lines), newest last, so one alert tells the whole failure.
struct AlertDetails: Widget {
    var alert: Alert
    var glyphs: Glyphs
    var theme: Theme

    /// Rows it takes in a body of `height` rows: none without details, else a title and up
    /// to a third of the body.
    static func height(for alert: Alert?, in height: Int) -> Int {
        guard let d = alert?.details, !d.isEmpty, height >= 8 else { return 0 }
        return 1 + min(d.count, max(1, height / 3))
    }

    func render(into g: inout Grid, rect r: Rect) {
        guard r.height > 0, let details = alert.details else { return }
        TitleRule(title: "details", facts: ["\(details.count) line\(details.count == 1 ? "" : "s")", alert.id],
                  factStyle: theme.dim, glyphs: glyphs, theme: theme).render(into: &g, rect: r)
        let shown = details.suffix(r.height - 1)
        for (k, line) in shown.enumerated() {
            g.put(line, x: r.x + 2, y: r.y + 1 + k, style: theme.text, limit: r.maxX - 1, ellipsis: glyphs.ellipsis)
        }
    }
}
