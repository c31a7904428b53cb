/// `pv -n`: one bare number a line on stderr, the percentage (or bytes with `-b`). A bare
/// number means nothing by itself, so it is read only when the command line runs pv with
/// `-n` (see `CommandHints`).
enum PvNumeric {
    enum Mode: Equatable, Sendable { case percent, bytes }
    private static let pattern = LinePattern(#"^\s*(\d{1,18})\s*$"#)

    static func read(_ line: String, mode: Mode) -> ToolProgress? {
        guard let g = pattern.groups(line) else { return nil }
        switch mode {
        case .percent: return .percent("pv -n", g[0])
        case .bytes: return Int(g[0]).map { ToolProgress("pv -n", .bytes($0)) }
        }
    }
}
