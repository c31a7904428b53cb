import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopUI

/// The phase screen of a canceled job: the steps its cancel stopped are counted canceled,
/// neither failed nor done, also once older done steps are folded into counts.
@Suite("Canceled steps on the phase screen")
struct CanceledStepsViewTests {
    static let t0 = Fixture.t0

    /// 150 pages done (older ones folded), 3 running when the job is canceled.
    static func canceledJob() throws -> PipelineState {
        var s = PipelineState()
        func at(_ dt: Double, _ body: Event.Body) throws { try s.apply(Event(job: "imp", body), now: t0 + dt) }
        try at(0, .jobStart(.init(name: "import", phases: ["fetch"].map { .init(id: $0) })))
        try at(0, .phaseStart(.init(phase: "fetch")))
        for k in 0..<150 {
            try at(Double(k) * 0.1, .step(.init(phase: "fetch", step: "page \(k)", state: .running)))
            try at(Double(k) * 0.1 + 0.05, .step(.init(phase: "fetch", step: "page \(k)", state: .done)))
        }
        for k in 150..<153 { try at(20, .step(.init(phase: "fetch", step: "page \(k)", state: .running))) }
        try at(30, .jobEnd(.init(status: .canceled)))
        return s
    }

    func phaseScreen(_ s: PipelineState, width: Int = 80, height: Int = 24, glyphs: Glyphs = .utf8) -> String {
        var m = DashboardModel(board: Fixture.board(s, now: Self.t0 + 40), now: Self.t0 + 40, host: "build-3", socket: "/tmp/e.sock",
                               link: .live, user: "ana@build-3")
        // Into the job, its phase, then the last steps (the canceled ones).
        for k in [Key.enter, .enter, .char("G")] { _ = m.nav.handle(k, state: m.board, pageSize: 16, width: width) }
        return DashboardView.render(m, width: width, height: height, glyphs: glyphs, theme: .defaultDark).text
    }

    @Test func theSummaryCountsCanceledStepsApartFromDone() throws {
        let s = try Self.canceledJob()
        let steps = try #require(Fixture.board(s)[job: "imp"]?.phase("fetch")?.steps)
        #expect(steps.dropped > 0, "older done steps are folded")
        #expect(steps.canceled == 3 && steps.failed == 0 && steps.running == 0 && steps.done == 150)
        let text = phaseScreen(s)
        #expect(text.contains("153 steps · 0 running · 0 failed · 3 canceled · 150 done,"), "\(text)")
        // The slowest is of steps that finished: a canceled one was stopped after 10 s.
        let wide = phaseScreen(s, width: 120)
        #expect(wide.contains("not listed · slowest 0s"), "\(wide)")
        #expect(text.contains("⊘ page 152") && text.contains("canceled"), "\(text)")
        let ascii = phaseScreen(s, glyphs: .ascii)
        #expect(ascii.contains("3 canceled") && ascii.contains("/ page 152"), "\(ascii)")
    }
}
