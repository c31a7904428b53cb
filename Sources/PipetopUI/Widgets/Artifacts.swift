import PipetopCore

/// What the job made, on one line: "artifacts 3  orders.parquet 700MiB · QC report · ...",
/// newest first (the full list is in `pipetop report`).
struct Artifacts: Widget {
    var artifacts: [ArtifactRecord]
    var glyphs: Glyphs
    var theme: Theme

    func render(into g: inout Grid, rect r: Rect) {
        let label = " artifacts \(artifacts.count) "
        g.put(label, x: r.x, y: r.y, style: theme.dim, limit: r.maxX)
        var x = r.x + TextWidth.columns(label)
        for (i, a) in artifacts.reversed().enumerated() {
            let text = (i == 0 ? " " : " \(glyphs.dot) ") + a.name + (a.size.map { " " + Format.bytes($0) } ?? "")
            guard x + TextWidth.columns(text) <= r.maxX else {
                if x + 2 <= r.maxX { g.put(" \(glyphs.ellipsis)", x: x, y: r.y, style: theme.dim, limit: r.maxX) }
                return
            }
            g.put(text, x: x, y: r.y, style: theme.text, limit: r.maxX)
            x += TextWidth.columns(text)
        }
    }
}
