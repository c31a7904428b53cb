import Testing
@testable import PipetopCore
@testable import PipetopUI

@Suite("List state: selection by id, a window that keeps it visible")
struct ListStateTests {
    init() { _ = utc }

    @Test func theSelectionFollowsItsRowWhenRowsArriveAbove() {
        var l = ListState()
        l.move(by: 2, in: ["a", "b", "c", "d"], id: { $0 })
        #expect(l.selectedID == "c")
        #expect(l.index(in: ["new", "a", "b", "c", "d"], id: { $0 }) == 3)
    }

    @Test func whenTheSelectedRowGoesTheCursorStaysAtItsPlaceClampedToTheEnd() {
        var l = ListState()
        l.move(by: 2, in: ["a", "b", "c", "d"], id: { $0 })
        #expect(l.index(in: ["a", "b", "d"], id: { $0 }) == 2)  // c went: d is under the cursor
        #expect(l.index(in: ["a"], id: { $0 }) == 0)
        #expect(l.index(in: [String](), id: { $0 }) == nil)
        #expect(ListState().index(in: ["a", "b", "c"], id: { $0 }, fallback: 1) == 1)  // nothing selected: the list's default
    }

    @Test func movesStopAtTheEnds() {
        var l = ListState()
        let rows = ["a", "b", "c"]
        l.move(by: Int.max / 2, in: rows, id: { $0 })
        #expect(l.selectedID == "c")
        l.move(by: 1, in: rows, id: { $0 })
        #expect(l.selectedID == "c")
        l.move(by: Int.min / 2, in: rows, id: { $0 })
        #expect(l.selectedID == "a")
    }

    @Test func theWindowCentresTheSelectionAndNeverPassesAnEnd() {
        #expect(ListState.window(selected: 0, count: 100, rows: 10) == 0..<10)
        #expect(ListState.window(selected: 50, count: 100, rows: 10) == 45..<55)
        #expect(ListState.window(selected: 99, count: 100, rows: 10) == 90..<100)
        // A list shorter than the window shows whole; one that shrank scrolls back.
        #expect(ListState.window(selected: 2, count: 3, rows: 10) == 0..<3)
        #expect(ListState.window(selected: 50, count: 12, rows: 10) == 2..<12)
        #expect(ListState.window(selected: 0, count: 5, rows: 0).isEmpty)
        for count in 0..<30 {
            for rows in 0..<12 {
                for sel in 0..<max(1, count) {
                    let w = ListState.window(selected: sel, count: count, rows: rows)
                    #expect(w.count == min(rows, count) && w.lowerBound >= 0 && w.upperBound <= count)
                    if rows > 0 && count > 0 { #expect(w.contains(sel)) }
                }
            }
        }
    }

    @Test func eachJobsPhaseListKeepsItsOwnFilter() throws {
        var m = try Fixture.model(selected: "etl")
        _ = m.nav.handle(.enter, state: m.board, pageSize: 5)
        _ = m.nav.handle(.char("/"), state: m.board, pageSize: 5)
        _ = m.nav.handle(.char("x"), state: m.board, pageSize: 5)
        _ = m.nav.handle(.enter, state: m.board, pageSize: 5)
        #expect(m.nav.list(.phases(job: "etl")).filter == "x")
        #expect(m.nav.list(.phases(job: "imp")).filter == nil)
        #expect(m.nav.list(.jobs).filter == nil)
    }

    /// Older done steps are folded as new ones finish: the rows move up under the cursor,
    /// and the cursor stays on the step the person chose.
    @Test func theSelectedStepStaysSelectedWhenOlderStepsAreFolded() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")]))), now: 0)
        for i in 0..<StepList.keepDone { try s.apply(Event(job: "j", .step(.init(phase: "p", step: "d\(i)", state: .done))), now: 1) }
        try s.apply(Event(job: "j", .step(.init(phase: "p", step: "slow one", state: .running))), now: 2)
        var m = DashboardModel(board: Fixture.board(s, now: 10), now: 10, host: "h", socket: "/s")
        for k: Key in [.enter, .enter, .char("G")] { _ = m.nav.handle(k, state: m.board, pageSize: 5) }
        #expect(m.nav.stepIndex(in: m.board) == StepList.keepDone)
        for i in 0..<300 { try s.apply(Event(job: "j", .step(.init(phase: "p", step: "e\(i)", state: .done))), now: 3) }
        m.board = Fixture.board(s, now: 10)
        let items = try #require(m.board[job: "j"]?.phase("p")?.steps.items)
        let row = try #require(items.firstIndex { $0.id == "slow one" })
        #expect(row < StepList.keepDone, "the folding moved the step up")
        #expect(m.nav.stepIndex(in: m.board) == row)
        let text = DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("▶ ◐ slow one"), "\(text)")
    }
}
