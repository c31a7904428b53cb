/// GNU parallel's `--bar` (on stderr, in reverse video): `40% 2:3=0s 4` is 40 %, 2 jobs done,
/// 3 left, 0 s to go, then the last argument. Its other redraws (`#   0 sec 4`, a bare `40`)
/// are for zenity and not read.
enum ParallelBar {
    private static let pattern = LinePattern(#"^\s*(\d{1,3})% (\d{1,15}):(\d{1,15})=\d+s"#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("%"), let g = pattern.groups(line), let done = Int(g[1]), let left = Int(g[2]) else { return nil }
        return .counts("parallel --bar", done, done + left)
    }
}
