/// tqdm's bar, and enlighten's (which draws the same layout):
/// ` 45%|████▌     | 45/100 [00:01<00:01, 44.2it/s]`, `Basic  14%|██ | 1/7 [00:01<00:07, 0.87 ticks/s]`.
/// The counts after the bar are exact; a bar without a total (`45it [00:01, 44.2it/s]`) is not read.
/// Its unit (`unit="rows"`: `11.0rows/s`, `?rows/s`, or `1.2s/rows` when slow) goes with the
/// counts; tqdm's default `it` is no unit.
enum TqdmBar {
    private static let pattern = LinePattern(#"(\d{1,3})%\|[^|]*\|\s*(\d[\d.]*[kMG]?)/(\d[\d.]*[kMG]?)\s*\["#)
    private static let rate = LinePattern(#"\[[^\]]*,\s*(?:[\d.]+[kMGTPEZY]?|\?)([A-Za-z_][^\s/\],]{0,31})/s[,\]]"#)
    private static let slowRate = LinePattern(#"\[[^\]]*,\s*[\d.]+s/([A-Za-z_][^\s/\],]{0,31})[,\]]"#)

    /// The unit of the bar's rate, nil for tqdm's default (`it`).
    static func unit(_ line: String) -> String? {
        guard let g = rate.groups(line) ?? slowRate.groups(line), let u = g.first, !u.isEmpty, u != "it" else { return nil }
        return u
    }

    static func read(_ line: String) -> ToolProgress? {
        guard line.contains("%|"), let g = pattern.groups(line) else { return nil }
        // tqdm scales large counts (unit_scale: "1.2k/3.4k"): then only the percentage is exact.
        if let done = Int(g[1]), let total = Int(g[2]), var p = ToolProgress.counts("tqdm", done, total) {
            p.unit = unit(line)
            return p
        }
        return .percent("tqdm", g[0])
    }
}
