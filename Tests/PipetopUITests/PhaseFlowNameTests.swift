import Testing
@testable import PipetopCore
@testable import PipetopUI

/// The overview pane's phase flow, when names must go, keeps the first phase's name longest:
/// "● ─▶ ● trim ─▶ ..." read as a stray symbol, not the start of the pipeline.
@Suite("Phase flow names")
struct PhaseFlowNameTests {
    @Test func theFirstPhaseKeepsItsNameWhileOthersLoseTheirs() throws {
        var s = PipelineState()
        let t0 = Fixture.t0
        let ids = ["scan", "diff", "upload", "verify", "prune", "report"]
        try s.apply(Event(job: "b", .jobStart(.init(name: "s3-backup", phases: ids.map { .init(id: $0) }))), now: t0)
        for id in ids.prefix(3) {
            try s.apply(Event(job: "b", .phaseStart(.init(phase: id))), now: t0)
            try s.apply(Event(job: "b", .phaseEnd(.init(phase: id))), now: t0 + 1)
        }
        try s.apply(Event(job: "b", .phaseStart(.init(phase: "verify"))), now: t0 + 1)
        let m = DashboardModel(board: Fixture.board(s, now: t0 + 10), now: t0 + 10, host: "build-3",
                               socket: "/run/user/1000/pipetop/pipetop.sock", link: .live, user: "ana@build-3")
        for tier in [Glyphs.Tier.utf8, .ascii] {
            let text = DashboardView.render(m, width: 60, height: 16, glyphs: Glyphs(tier), theme: .defaultDark).text
            let flow = try #require(text.split(separator: "\n").first { $0.contains("verify") && $0.contains("scan") || $0.contains("verify ") && $0.contains("upload") })
            #expect(flow.contains("scan"), "\(flow)")
        }
    }
}
