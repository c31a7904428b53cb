import PipetopCore

/// "terminal too small" in place of a view, until the terminal grows.
public enum TooSmall {
    public static func draw(into g: inout Grid, need: (Int, Int), theme: Theme) {
        let lines = ["terminal too small", "need \(need.0)x\(need.1)", "now \(g.width)x\(g.height)"]
        let top = max(0, (g.height - lines.count) / 2)
        for (i, l) in lines.enumerated() {
            g.put(l, x: max(0, (g.width - l.count) / 2), y: top + i, style: i == 0 ? theme.error : theme.text)
        }
    }
}
