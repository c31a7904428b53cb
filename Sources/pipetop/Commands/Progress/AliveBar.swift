/// alive-progress's bar, drawn only on a terminal (in a pipe it prints one final line):
/// `|██████▊      | ▃▅▇ 3/7 [43%] in 1s (~1s, 5.4/s)`.
enum AliveBar {
    private static let pattern = LinePattern(#"\|\s.*?(\d{1,15})/(\d{1,15}) \[\d{1,3}%\] in "#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("%] in "), let g = pattern.groups(line) else { return nil }
        return .counts("alive-progress", Int(g[0]), Int(g[1]))
    }
}
