import PipetopCore

/// `?`: every key from the key table, and what the symbols mean.
struct HelpOverlay: Widget {
    /// The screen it is shown over: its keys are bright, the others dim.
    var context: Context
    var glyphs: Glyphs
    var theme: Theme

    /// Bindings shown on one line, with the line's text.
    static let pairs: [(Action, Action, String)] = [
        (.moveUp, .moveDown, "move up / down"), (.pageUp, .pageDown, "a page up / down"), (.top, .bottom, "first / last row"),
        (.nextFailed, .previousFailed, "next / previous failed step"),
    ]

    /// Centred in `r` (the whole screen).
    func render(into g: inout Grid, rect r: Rect) {
        var lines: [(String, String, Bool)] = []
        var bindings = KeyTable.bindings[...]
        while let b = bindings.popFirst() {
            // Opposite moves share a line, so every key fits on an 80x24 screen.
            var keys = b.keys
            var help = b.help
            if let pair = Self.pairs.first(where: { $0.0 == b.action }), let next = bindings.first, next.action == pair.1 {
                bindings.removeFirst()
                keys += next.keys
                help = pair.2
            }
            let text = keys.map { k -> String in
                let l = k.label
                return l == " " ? "Space" : l
            }.joined(separator: " ")
            let shown = Binding(keys, b.action, help: help, label: text).shownKeys(glyphs)
            if !b.contexts.isEmpty { help += " (" + Context.allCases.filter { b.contexts.contains($0) }.map(\.rawValue).joined(separator: ", ") + ")" }
            lines.append((shown, help, b.applies(in: context)))
        }
        let legend = [PhaseState.pending, .running, .done, .failed, .skipped].map { "\(glyphs.phase($0)) \($0.rawValue)" }.joined(separator: "  ")
        let keyWidth = min(24, lines.map { TextWidth.columns($0.0) }.max() ?? 10)
        let width = min(r.width - 4, max(50, (lines.map { keyWidth + 3 + TextWidth.columns($0.1) }.max() ?? 50) + 4))
        let etaLegend = "ETA: 12m  \(glyphs.rough)12m rough range  \(glyphs.atLeast)12m at least  stalled 3m  paused"
        let height = min(r.height - 2, lines.count + 7)
        let x0 = r.x + (r.width - width) / 2, y0 = r.y + max(1, (r.height - height) / 2)
        let box = Rect(x: x0, y: y0, width: width, height: height)
        g.fill(box, theme.text)
        Box(title: "pipetop keys", glyphs: glyphs, theme: theme).render(into: &g, rect: box)
        var y = y0 + 1
        for (keys, help, active) in lines where y < box.maxY - 4 {
            g.put(TextWidth.fit(keys, keyWidth), x: x0 + 2, y: y, style: active ? theme.running : theme.dim)
            g.put(help, x: x0 + 3 + keyWidth, y: y, style: active ? theme.text : theme.dim, limit: box.maxX - 1)
            y += 1
        }
        g.put(legend, x: x0 + 2, y: box.maxY - 4, style: theme.text, limit: box.maxX - 1)
        g.put(etaLegend, x: x0 + 2, y: box.maxY - 3, style: theme.text, limit: box.maxX - 1)
        g.put("any key closes this", x: x0 + 2, y: box.maxY - 2, style: theme.dim, limit: box.maxX - 1)
    }
}
