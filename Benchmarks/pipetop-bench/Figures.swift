import Foundation

/// One line of the summary table: pipetop's figure beside a baseline measured in the same
/// run, the ratio between them, and the target it is held to.
struct Figure {
    var name: String
    var ours: String
    var baseline: String
    var ratio: String
    var target: String
    /// nil: no verdict (a figure given for information).
    var met: Bool?

    static func printTable(_ figures: [Figure]) {
        let headers = ["figure", "pipetop", "baseline (same run)", "ratio", "target", ""]
        let rows = figures.map { [$0.name, $0.ours, $0.baseline, $0.ratio, $0.target, $0.met.map { $0 ? "met" : "MISSED" } ?? ""] }
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        print(line(headers))
        print(line(widths.map { String(repeating: "-", count: $0) }))
        for r in rows { print(line(r)) }
    }
}

/// `value` with `decimals` decimals and thousands separated by commas.
func fmt(_ value: Double, _ decimals: Int = 0) -> String {
    let text = String(format: "%.\(decimals)f", value)
    let parts = text.split(separator: ".", maxSplits: 1)
    var whole = String(parts[0])
    let negative = whole.hasPrefix("-")
    if negative { whole.removeFirst() }
    var grouped = ""
    for (i, c) in whole.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { grouped.append(",") }
        grouped.append(c)
    }
    return (negative ? "-" : "") + String(grouped.reversed()) + (parts.count > 1 ? "." + parts[1] : "")
}
