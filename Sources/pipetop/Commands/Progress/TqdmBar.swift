/// tqdm's bar, and enlighten's (which draws the same layout):
/// ` 45%|████▌     | 45/100 [00:01<00:01, 44.2it/s]`, `Basic  14%|██ | 1/7 [00:01<00:07, 0.87 ticks/s]`.
/// The counts after the bar are exact; a bar without a total (`45it [00:01, 44.2it/s]`) is not read.
enum TqdmBar {
    private static let pattern = LinePattern(#"(\d{1,3})%\|[^|]*\|\s*(\d[\d.]*[kMG]?)/(\d[\d.]*[kMG]?)\s*\["#)

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("%|"), let g = pattern.groups(line) else { return nil }
        // tqdm scales large counts (unit_scale: "1.2k/3.4k"): then only the percentage is exact.
        if let done = Int(g[1]), let total = Int(g[2]) { return .counts("tqdm", done, total) }
        return .percent("tqdm", g[0])
    }
}
