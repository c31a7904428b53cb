/// rsync's `--info=progress2`: `  1,234,567  45%  12.34MB/s  0:00:12 (xfr#5, to-chk=95/100)`.
/// `to-chk=R/T` (or `ir-chk` while the file list still grows) is R of T files still to check,
/// so T−R are done; before the first file only the percentage is there.
enum RsyncProgress {
    private static let remaining = LinePattern(#"(?:to|ir)-chk=(\d{1,15})/(\d{1,15})\)"#)
    private static let start = LinePattern(#"^\s*[\d,]+\s+(\d{1,3})%\s+[\d.]+[kMGT]?B/s\s+\d+:\d\d:\d\d\s*$"#)

    static func read(_ line: String) -> ToolProgress? {
        if line.contains("-chk="), let g = remaining.groups(line), let left = Int(g[0]), let total = Int(g[1]) {
            return .counts("rsync", total - left, total)
        }
        if line.contains("B/s"), let g = start.groups(line) { return .percent("rsync", g[0]) }
        return nil
    }
}
