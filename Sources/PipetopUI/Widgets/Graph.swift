/// A time series drawn as a filled area: braille dots (2x4 per cell) in UTF-8, blocks of
/// `.:|` in ASCII. The newest value is at the right edge.
public struct Graph: Widget {
    public var values: [Double]
    public var maxValue: Double
    public var style: Style
    public var glyphs: Glyphs

    public init(values: [Double], maxValue: Double, style: Style, glyphs: Glyphs) {
        self.values = values; self.maxValue = maxValue; self.style = style; self.glyphs = glyphs
    }

    public func render(into g: inout Grid, rect r: Rect) {
        guard r.width > 0, r.height > 0, maxValue > 0 else { return }
        if glyphs.tier == .utf8 { braille(&g, r) } else { ascii(&g, r) }
    }

    /// Height in dots (0...rows*4) of the value at column `c` of `perCell` columns per cell.
    private func level(_ v: Double, dots: Int) -> Int {
        guard v.isFinite else { return 0 }
        let f = max(0, min(1, v / maxValue))
        return v > 0 ? max(1, Int(saturating: (f * Double(dots)).rounded())) : 0
    }

    private func braille(_ g: inout Grid, _ r: Rect) {
        let dots = r.height * 4
        let cols = r.width * 2
        let series = Array(values.suffix(cols))
        let offset = cols - series.count
        // Bits of the braille cell for (left/right column, row from the top 0...3).
        let bit: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        for cell in 0..<r.width {
            var masks = Array(repeating: UInt32(0), count: r.height)
            for side in 0..<2 {
                let i = cell * 2 + side - offset
                guard i >= 0, i < series.count else { continue }
                let h = level(series[i], dots: dots)
                for d in 0..<h {
                    let fromBottom = d
                    let row = r.height - 1 - fromBottom / 4
                    let dotRow = 3 - fromBottom % 4
                    masks[row] |= bit[side][dotRow]
                }
            }
            // Empty cells among the plotted ones get the graph's style too: the terminal then
            // needs no colour change around each gap (about 30 bytes a gap when the graph scrolls).
            guard cell * 2 + 1 >= offset else { continue }
            for row in 0..<r.height {
                let text = masks[row] != 0 ? String(Character(Unicode.Scalar(0x2800 + masks[row])!)) : " "
                g.put(text, x: r.x + cell, y: r.y + row, style: style)
            }
        }
    }

    private func ascii(_ g: inout Grid, _ r: Rect) {
        let series = Array(values.suffix(r.width))
        let offset = r.width - series.count
        let marks = [".", ":", "|"]
        for (i, v) in series.enumerated() {
            let h = level(v, dots: r.height * 3)
            for row in 0..<r.height { g.put(" ", x: r.x + offset + i, y: r.y + row, style: style) }  // as above
            for d in 0..<h {
                let row = r.height - 1 - d / 3
                // The top cell of a column shows how full it is; cells below are full.
                let mark = d / 3 == (h - 1) / 3 ? marks[(h - 1) % 3] : "|"
                g.put(mark, x: r.x + offset + i, y: r.y + row, style: style)
            }
        }
    }
}
