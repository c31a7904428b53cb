/// GNU parallel's `--eta`: `ETA: 12s Left: 3 AVG: 0.50s  local:2/7/100%/0.6s`. `Left` is the
/// jobs not yet completed, and each `host:running/completed/%/avg` gives one host's completed
/// jobs: done is their sum, the total done + Left.
enum ParallelEta {
    private static let head = LinePattern(#"ETA: \d+s Left: (\d{1,15}) AVG: "#)
    private static let host = LinePattern(#"\S+?:(\d{1,15})/(\d{1,15})/\d{1,3}%/[\d.]+s"#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("ETA: "), let g = head.groups(line), let left = Int(g[0]) else { return nil }
        let hosts = host.allGroups(line)
        guard !hosts.isEmpty else { return nil }
        let done = hosts.reduce(0) { $0 + (Int($1[1]) ?? 0) }
        return .counts("parallel --eta", done, done + left)
    }
}
