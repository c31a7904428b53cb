import Testing
@testable import PipetopCore
@testable import PipetopUI

/// Skipped items are said wherever failed ones are (BoardPhase.tallyFacts, the end of
/// progressFacts): in the overview's detail pane and in the job screen's table at the
/// widths where it has a FAILED column.
@Suite("Skipped items in the views")
struct SkippedItemsViewTests {
    /// A phase that ended with 80 done, 10 failed and 10 skipped of 100 rows, then one running.
    func model() throws -> DashboardModel {
        var s = PipelineState()
        let t0 = Fixture.t0
        try s.apply(Event(job: "sk", .jobStart(.init(name: "skipper", phases: [.init(id: "load"), .init(id: "check")]))), now: t0)
        try s.apply(Event(job: "sk", .phaseStart(.init(phase: "load", total: 100, unit: "rows"))), now: t0)
        try s.apply(Event(job: "sk", .progress(.init(phase: "load", done: 80, failed: 10, skipped: 10))), now: t0 + 4)
        try s.apply(Event(job: "sk", .phaseEnd(.init(phase: "load"))), now: t0 + 4)
        try s.apply(Event(job: "sk", .phaseStart(.init(phase: "check", total: 10))), now: t0 + 4)
        return DashboardModel(board: Fixture.board(s, now: t0 + 10), now: t0 + 10, host: "build-3",
                              socket: "/run/user/1000/pipetop/pipetop.sock", link: .live, user: "ana@build-3")
    }

    @Test(arguments: [60, 80, 100, 160])
    func theOverviewPaneSaysSkippedBesideFailed(width: Int) throws {
        let text = DashboardView.render(try model(), width: width, height: 24, glyphs: .utf8, theme: .defaultDark).text
        let row = try #require(text.split(separator: "\n").first { $0.contains(" load ") && $0.contains("/100") })
        #expect(row.contains("90/100 rows") && row.contains("10 failed, 10 skipped"), "\(row)")
    }

    @Test(arguments: [100, 120, 140, 200])
    func theJobScreenHasASkippedColumnWhereItHasAFailedOne(width: Int) throws {
        var m = try model()
        _ = m.nav.handle(.enter, state: m.board, pageSize: 16, width: width)
        let text = DashboardView.render(m, width: width, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains(" FAILED ") == text.contains(" SKIPPED "), "\(text)")
        #expect(text.contains(" SKIPPED "), "at \(width) columns: \(text)")
    }
}
