/// `dd status=progress` (on stderr): `10551296 bytes (11 MB, 10 MiB) copied, 1 s, 10.5 MB/s`,
/// and the same line at its end. Bytes copied, with no total (dd does not know one).
enum DDProgress {
    private static let pattern = LinePattern(#"^\s*(\d{1,18}) bytes? (?:\([^)]*\) )?copied, [\d.]+ s, "#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains(" copied, "), let g = pattern.groups(line), let n = Int(g[0]) else { return nil }
        return ToolProgress("dd", .bytes(n))
    }
}
