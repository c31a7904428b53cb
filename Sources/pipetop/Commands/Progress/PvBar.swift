/// pv's default display, drawn on a terminal (or with `-f`), on stderr:
/// `10.0MiB 0:00:01 [9.57MiB/s] [==========>          ] 34% ETA 0:00:01`, and at its end
/// `... [====================>] 100%`. Only its percentage is read (the byte count has no total
/// in the line).
enum PvBar {
    private static let pattern = LinePattern(#"\[[=> ]*\] +(\d{1,3})%(?:\s+(?:ETA|FIN)\s+[\d:]+)?\s*$"#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("] "), let g = pattern.groups(line) else { return nil }
        return .percent("pv", g[0])
    }
}
