import PipetopCore

/// `?`: every key from the key table, and what the symbols mean. Long lines wrap; when it is
/// taller than the screen (a 60x16 tmux pane) it scrolls with the movement keys.
struct HelpOverlay: Widget {
    /// The screen it is shown over: its keys are bright, the others dim.
    var context: Context
    var glyphs: Glyphs
    var theme: Theme
    /// Lines scrolled past (clamped here, so the navigator can count freely).
    var scroll = 0

    /// Bindings shown on one line, with the line's text.
    static let pairs: [(Action, Action, String)] = [
        (.moveUp, .moveDown, "move up / down"), (.pageUp, .pageDown, "page up / page down"), (.top, .bottom, "first / last row"),
        (.nextFailed, .previousFailed, "next / previous failed step, or match in a text"), (.quit, .back, "quit from the overview; elsewhere back"),
    ]

    /// One entry: its keys (alternatives joined by ",", paired actions by " / "), what it does,
    /// and whether it acts on the screen below.
    static func entries(in context: Context, glyphs: Glyphs) -> [(keys: String, help: String, active: Bool)] {
        var out: [(String, String, Bool)] = []
        var bindings = KeyTable.bindings[...]
        func keys(_ b: Binding) -> String {
            let text = b.keys.map { $0.label == " " ? "Space" : $0.label }.joined(separator: ",")
            return Binding(b.keys, b.action, help: b.help, label: text).shownKeys(glyphs)
        }
        while let b = bindings.popFirst() {
            var shown = keys(b), help = b.help, active = b.applies(in: context), contexts = b.contexts
            if let pair = Self.pairs.first(where: { $0.0 == b.action }), let next = bindings.first, next.action == pair.1 {
                bindings.removeFirst()
                let nextKeys = keys(next)
                shown = nextKeys == shown ? shown : shown + " / " + nextKeys
                help = pair.2
                active = active || next.applies(in: context)
                contexts = b.contexts.isEmpty || next.contexts.isEmpty ? [] : b.contexts.union(next.contexts)
            }
            if !contexts.isEmpty && contexts.count < Context.allCases.count {
                help += " (" + Context.allCases.filter { contexts.contains($0) }.map(\.rawValue).joined(separator: ", ") + ")"
            }
            out.append((shown, help, active))
        }
        return out
    }

    /// How many lines the help has at this width (for the navigator's scrolling).
    static func lineCount(width: Int, context: Context, glyphs: Glyphs) -> Int {
        layout(width: width, context: context, glyphs: glyphs).lines.count
    }

    private static func layout(width: Int, context: Context, glyphs: Glyphs) -> (lines: [(String, String, Bool)], keyWidth: Int) {
        let entries = entries(in: context, glyphs: glyphs)
        let keyWidth = min(max(8, (width - 4) / 3), entries.map { TextWidth.columns($0.keys) }.max() ?? 10)
        let helpWidth = max(10, width - 4 - keyWidth - 1)
        var lines: [(String, String, Bool)] = []
        for e in entries {
            // Keys too long for their column get a line of their own.
            let keyLines = WordWrap.lines(e.keys, width: keyWidth)
            let helpLines = WordWrap.lines(e.help, width: helpWidth)
            for i in 0..<max(keyLines.count, helpLines.count) {
                lines.append((i < keyLines.count ? keyLines[i] : "", i < helpLines.count ? helpLines[i] : "", e.active))
            }
        }
        let states = [PhaseState.pending, .running, .done, .failed, .skipped].map { "\(glyphs.phase($0)) \($0.rawValue)" }.joined(separator: "  ")
        let lost = "\(glyphs.lost) lost: its process went with no end"
        let eta = "ETA: 12m  \(glyphs.rough)12m rough range  \(glyphs.atLeast)12m at least  stalled 3m  paused  waiting 4m"
        // Cut off from the engine, the screen is the past: the banner says since when.
        let notLive = "not live: the engine is out of reach; the screen shows its last update (reconnects by itself)"
        lines.append(("", "", true))
        for text in [states, lost, eta, notLive] { for l in WordWrap.lines(text, width: width - 4) { lines.append((l, "", true)) } }
        return (lines, keyWidth)
    }

    /// Centred in `r` (the whole screen).
    func render(into g: inout Grid, rect r: Rect) {
        let width = min(r.width - 2, 80)
        let (lines, keyWidth) = Self.layout(width: width, context: context, glyphs: glyphs)
        let room = max(1, r.height - 2 - 3)  // box lines and the closing line
        let height = min(r.height - 2, lines.count + 3)
        let top = max(0, min(scroll, lines.count - room))
        let x0 = r.x + (r.width - width) / 2, y0 = r.y + max(1, (r.height - height) / 2)
        let box = Rect(x: x0, y: y0, width: width, height: height)
        g.fill(box, theme.text)
        Box(title: "pipetop keys", glyphs: glyphs, theme: theme).render(into: &g, rect: box)
        var y = y0 + 1
        for (keys, help, active) in lines.dropFirst(top) where y < box.maxY - 2 {
            if help.isEmpty {
                g.put(keys, x: x0 + 2, y: y, style: theme.text, limit: box.maxX - 1)
            } else {
                g.put(TextWidth.fit(keys, keyWidth), x: x0 + 2, y: y, style: active ? theme.running : theme.dim)
                g.put(help, x: x0 + 3 + keyWidth, y: y, style: active ? theme.text : theme.dim, limit: box.maxX - 1)
            }
            y += 1
        }
        let more = lines.count > room
        let closing = more ? "\(glyphs.tier == .ascii ? "Up/Dn" : "↑↓") scroll (\(top + 1)-\(min(lines.count, top + room)) of \(lines.count)) · any other key closes"
                           : "any key closes this"
        g.put(TextWidth.truncate(glyphs.tier == .ascii ? closing.replacingOccurrences(of: "·", with: "|") : closing, to: width - 4, ellipsis: glyphs.ellipsis),
              x: x0 + 2, y: box.maxY - 2, style: theme.dim)
    }
}
