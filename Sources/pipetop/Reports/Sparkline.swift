/// Values as a line of characters, one per value, its height by value (`▁` the least, `█` the
/// most; `_.-=+*#` in ASCII): how durations went over the runs, at a glance in a terminal.
enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = ["_", ".", "-", "=", "+", "*", "#"]
    /// The newest this many values (a line stays short).
    static let maxValues = 40

    static func text(_ all: [Double], ascii: Bool) -> String {
        let values = all.suffix(maxValues)
        let levels = ascii ? asciiLevels : blocks
        guard let lo = values.min(), let hi = values.max() else { return "" }
        // All equal: a flat line in the middle.
        guard hi > lo else { return String(repeating: levels[levels.count / 2], count: values.count) }
        return String(values.map { v in levels[min(levels.count - 1, Int((v - lo) / (hi - lo) * Double(levels.count - 1) + 0.5))] })
    }
}
