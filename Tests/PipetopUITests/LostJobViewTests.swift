import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopUI

/// A lost job (its process gone, no job.end) is said lost everywhere it is drawn: its row's
/// symbol, its phase strip and flow, and its running phase's row, which no longer reads as
/// running with "ETA -".
@Suite("A lost job's views")
struct LostJobViewTests {
    init() { _ = utc }

    static func lostImport() throws -> DashboardModel {
        var m = try Fixture.model(selected: "imp")
        let i = try #require(m.board.jobs.firstIndex { $0.id == "imp" })
        #expect(m.board.jobs[i].phase("validate")?.state == .running)
        m.board.jobs[i].byEngine = true
        m.board.jobs[i].error = "its process (pid 4242) was gone and no job.end came"
        return m
    }

    @Test(arguments: [Glyphs.Tier.utf8, .ascii])
    func theOverviewRowSaysLost(_ tier: Glyphs.Tier) throws {
        let g = Glyphs(tier)
        let m = try Self.lostImport()
        let text = DashboardView.render(m, width: 160, height: 30, glyphs: g, theme: .defaultDark).text
        let row = try #require(text.split(separator: "\n").first { $0.contains("nightly-import") }.map(String.init))
        // The job's symbol, then its strip: fetch done, validate lost, the rest pending.
        let strip = [g.phase(.done), g.lost, g.phase(.pending), g.phase(.pending)].joined()
        #expect(row.contains(strip), "\(row)")
        #expect(row.dropFirst(2).hasPrefix(g.lost), "\(row)")
        #expect(!row.contains(g.phase(.running)), "\(row)")
        #expect(row.trimmingCharacters(in: .whitespaces).hasSuffix("lost"), "\(row)")
    }

    @Test(arguments: [Glyphs.Tier.utf8, .ascii], [160, 80])
    func theJobScreenSaysItsRunningPhaseIsLost(_ tier: Glyphs.Tier, width: Int) throws {
        let g = Glyphs(tier)
        var m = try Self.lostImport()
        _ = m.nav.handle(.enter, state: m.board, pageSize: 22, width: width)
        #expect(m.nav.screen == .job("imp"))
        let lines = DashboardView.render(m, width: width, height: 30, glyphs: g, theme: .defaultDark).text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("\(g.lost) validate \(g.flowArrow) \(g.phase(.pending)) transform") }, "\(lines)")
        // Its row in the phase table: the lost symbol, "lost" where the ETA was.
        let row = try #require(lines.first { $0.contains(" validate ") && $0.contains("120k") }, "\(lines)")
        #expect(row.contains(g.lost + " validate") && !row.contains(g.phase(.running)), "\(row)")
        #expect(row.contains(" lost") && !row.contains("ETA"), "\(row)")
    }

    @Test(arguments: [Glyphs.Tier.utf8, .ascii])
    func thePhaseScreenSaysItsRunningStepIsLost(_ tier: Glyphs.Tier) throws {
        let g = Glyphs(tier)
        var m = try Self.lostImport()
        for _ in 0..<2 { _ = m.nav.handle(.enter, state: m.board, pageSize: 22, width: 120) }
        #expect(m.nav.screen == .phase(job: "imp", phase: "validate"))
        let lines = DashboardView.render(m, width: 120, height: 30, glyphs: g, theme: .defaultDark).text.split(separator: "\n").map(String.init)
        let title = try #require(lines.first { $0.contains(" lost ") && $0.contains("nightly-import") }, "the title says lost: \(lines)")
        // No speed for a process that is gone (the title shows rates from 100 columns).
        #expect(!title.contains("/s") && !title.contains("/min") && !title.contains("peak"), "\(title)")
        // Its running steps are counted as lost, as each of their rows says.
        #expect(lines.contains { $0.contains(" 1 step ") && $0.contains(" 1 lost ") }, "\(lines)")
        #expect(!lines.contains { $0.contains(" 1 step ") && $0.contains(" running ") }, "\(lines)")
        let step = try #require(lines.first { $0.contains("shard 6") }, "\(lines)")
        #expect(step.contains(g.lost + " shard 6") && step.contains(" lost ") && !step.contains("running"), "\(step)")
    }

    @Test func theHelpNamesTheLostSymbol() throws {
        var m = try Fixture.model()
        _ = m.nav.handle(.char("?"), state: m.board, pageSize: 52, width: 200)
        let text = DashboardView.render(m, width: 200, height: 60, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("◌ lost: its process went with no end"), "\(text)")
    }
}
