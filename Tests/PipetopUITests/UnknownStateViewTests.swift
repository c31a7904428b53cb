import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopUI

/// What a viewer shows of a state it does not know (an engine newer than it).
@Suite("Unknown states on screen")
struct UnknownStateViewTests {
    /// A state from an engine newer than this viewer is shown as unknown ("?"), not dropped.
    @Test func anUnknownStepStateIsShownAsUnknown() throws {
        var m = DashboardModel(board: Fixture.board(try CanceledStepsViewTests.canceledJob(), now: Fixture.t0 + 40), now: Fixture.t0 + 40, host: "build-3",
                               socket: "/tmp/e.sock", link: .live, user: "ana@build-3")
        let p = try #require(m.board.jobs[0].phases[0].steps.items?.indices.last)
        m.board.jobs[0].phases[0].steps.items![p].state = .unknown
        m.board.jobs[0].phases[0].state = .unknown
        for k in [Key.enter, .enter, .char("G")] { _ = m.nav.handle(k, state: m.board, pageSize: 16, width: 80) }
        let text = DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
        let row = try #require(text.split(separator: "\n").first { $0.contains("page 152") })
        #expect(row.contains("? page 152") && row.contains("unknown"), "\(row)")
        let title = try #require(text.split(separator: "\n").first { $0.contains("import") && $0.contains("fetch") })
        #expect(title.contains("unknown"), "\(title)")
    }

    @Test func anUnknownJobStateIsShownAsUnknown() throws {
        var m = DashboardModel(board: Fixture.board(try CanceledStepsViewTests.canceledJob(), now: Fixture.t0 + 40), now: Fixture.t0 + 40, host: "build-3",
                               socket: "/tmp/e.sock", link: .live, user: "ana@build-3")
        m.board.jobs[0].state = .unknown
        for glyphs in [Glyphs.utf8, .ascii] {
            let text = DashboardView.render(m, width: 80, height: 24, glyphs: glyphs, theme: .defaultDark).text
            let row = try #require(text.split(separator: "\n").first { $0.contains("? import") }, "\(text)")
            #expect(!row.contains("canceled"), "\(row)")
        }
    }
}
