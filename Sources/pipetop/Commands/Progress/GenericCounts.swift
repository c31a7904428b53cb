/// Progress in prose, for a command that says it prints it (`--progress-from`): the first
/// `N/M` of a line (`processed 120/1000 files`) or else its first `NN%`. Read by default only
/// in its unambiguous form, a counter on a line of its own: `3/10`, `[3/10]`, `Epoch 3/10`,
/// `step: 3/10` (a label of one word at most), never `N/M` inside a sentence, a path or a date
/// (`2024/11/23`, `12/31/2026`).
enum GenericCounts {
    static let countsTool = "N/M"
    static let percentTool = "NN%"
    private static let counts = LinePattern(#"(?<![\w./])(\d{1,15})\s*/\s*(\d{1,15})(?![\w/])"#)
    private static let percent = LinePattern(#"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?%"#)
    private static let counter = LinePattern(#"^\s*(?:[A-Za-z][\w-]*:?\s+)?\[?(\d{1,15})\s*/\s*(\d{1,15})\]?:?\s*$"#)

    static func read(_ line: String) -> ToolProgress? {
        if line.contains("/"), let g = counts.groups(line), let p = ToolProgress.counts(countsTool, Int(g[0]), Int(g[1])) { return p }
        if line.contains("%"), let g = percent.groups(line) { return .percent(percentTool, g[0]) }
        return nil
    }

    /// A counter alone on its line (the form read without `--progress-from`).
    static func readCounter(_ line: String) -> ToolProgress? {
        guard line.contains("/"), let g = counter.groups(line) else { return nil }
        return .counts(countsTool, Int(g[0]), Int(g[1]))
    }

    static func isGeneric(_ p: ToolProgress) -> Bool { p.tool == countsTool || p.tool == percentTool }
}
