import Testing
@testable import PipetopUI

@Suite("Graph")
struct GraphTests {
    let style = Style(fg: .default, attrs: [.bold])

    /// Gaps inside the plotted span share the graph's style, so a scrolling graph is one run
    /// of one colour on the terminal, not a colour change around every gap.
    @Test(arguments: [Glyphs.Tier.utf8, .ascii])
    func gapsInsideTheGraphShareItsStyle(tier: Glyphs.Tier) {
        var g = Grid(width: 6, height: 2)
        Graph(values: [0, 100, 0, 0, 100, 10, 0, 100, 0, 0, 100, 0], maxValue: 100, style: style, glyphs: Glyphs(tier))
            .render(into: &g, rect: Rect(x: 0, y: 0, width: 6, height: 2))
        for y in 0..<2 { for x in 0..<6 { #expect(g[x, y].style == style, "cell \(x),\(y)") } }
        #expect(g.text.contains(tier == .utf8 ? "⢸" : "|"))
    }

    /// Left of the oldest value nothing is plotted, so those cells stay as they were.
    @Test func cellsBeforeTheDataAreLeftAlone() {
        var g = Grid(width: 6, height: 1)
        Graph(values: [50, 50], maxValue: 100, style: style, glyphs: Glyphs(.utf8)).render(into: &g, rect: Rect(x: 0, y: 0, width: 6, height: 1))
        #expect((0..<5).allSatisfy { g[$0, 0].style == .plain })
        #expect(g[5, 0].style == style)
    }
}
