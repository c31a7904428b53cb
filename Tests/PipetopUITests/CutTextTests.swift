import Testing
@testable import PipetopCore
@testable import PipetopUI

/// Text cut at the screen's edge says so: it ends with the ellipsis (`…`, `..` in ASCII), so
/// a reader never takes a cut message for the whole of it.
@Suite("Cut text")
struct CutTextTests {
    static let long = "start " + String(repeating: "lorem ", count: 30) + "tail-end"

    static func model() throws -> DashboardModel {
        var s = PipelineState()
        let t0 = Fixture.t0
        func at(_ dt: Double, _ body: Event.Body) throws { try s.apply(Event(job: "j", body), now: t0 + dt) }
        try at(0, .jobStart(.init(name: "import " + long, phases: ["fetch", "load"].map { .init(id: $0) })))
        try at(0, .phaseStart(.init(phase: "fetch", total: 10)))
        try at(1, .step(.init(phase: "fetch", step: "page 1", state: .running, detail: long)))
        try at(1, .step(.init(phase: "fetch", step: "page 2", state: .failed, detail: long)))
        try at(2, .log(.init(level: .error, message: long, phase: "fetch")))
        try at(2, .alert(.init(severity: .critical, message: long, phase: "fetch", name: "quota")))
        try at(3, .phaseEnd(.init(phase: "fetch", status: .failed, error: long)))
        try at(3, .jobEnd(.init(status: .failed, error: long)))
        return DashboardModel(board: Fixture.board(s), now: t0 + 10, host: "build-3", socket: "/run/user/1000/pipetop/pipetop.sock",
                              link: .live, user: "ana@build-3")
    }

    @Test(arguments: [(80, 24), (60, 16)])
    func cutLinesEndWithAnEllipsis(size: (Int, Int)) throws {
        for tier in [Glyphs.Tier.utf8, .ascii] {
            let glyphs = Glyphs(tier)
            for keys in [[], [Key.enter], [.enter, .enter], [.char("!")], [.char("L")]] {
                var m = try Self.model()
                for k in keys { _ = m.nav.handle(k, state: m.board, pageSize: size.1 - 8, width: size.0) }
                let text = DashboardView.render(m, width: size.0, height: size.1, glyphs: glyphs, theme: .defaultDark).text
                if keys == [.char("L")] {
                    // The log pager wraps long lines instead: all of the text is there.
                    #expect(text.contains("tail-end"), "\(size) \(tier): the log shows the whole line")
                    continue
                }
                var seen = 0
                for line in text.split(separator: "\n") where line.contains("lorem") {
                    seen += 1
                    #expect(line.contains(glyphs.ellipsis) || line.contains("tail-end"),
                            "\(size) \(tier) after \(keys): cut with no \(glyphs.ellipsis): \(line)")
                }
                #expect(seen > 0, "\(size) \(tier) after \(keys): the long text is on screen")
            }
        }
    }
}
