/// rich's `Progress` with its default columns, drawn only on a terminal:
/// `Processing ━━━━━━━━╸━━━━━━━━━  43% 0:00:01` (description, bar, percentage, time left).
/// With `MofNCompleteColumn` the counts follow the bar instead: `━━━━━━ 3/7 0:00:01`.
enum RichBar {
    private static let bar = "[━╸╺╼╾]+"
    private static let percent = LinePattern(bar + #"\s+(\d{1,3}(?:\.\d+)?)%\s+(?:-:--:--|\d+:\d\d:\d\d)"#)
    private static let counts = LinePattern(bar + #"\s+(\d{1,15})/(\d{1,15})\s"#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("━") || line.contains("╺") || line.contains("╸") else { return nil }
        if let g = counts.groups(line + " ") { return .counts("rich", Int(g[0]), Int(g[1])) }
        if let g = percent.groups(line) { return .percent("rich", g[0]) }
        return nil
    }
}
