import Testing
@testable import PipetopCore
@testable import PipetopUI

@Suite("Hostile text on every screen")
struct EscapeRenderTests {
    @Test func thePhaseScreenDrawsStepsWithControlCharacters() throws {
        var s = PipelineState()
        try s.apply(Event(job: "evil", .jobStart(.init(name: "A\u{1B}]2;T\u{07}B", phases: [.init(id: "p", name: "P\u{1B}]0;X\u{1B}\\Q")]))), now: 100)
        try s.apply(Event(job: "evil", .phaseStart(.init(phase: "p", total: 10))), now: 101)
        try s.apply(Event(job: "evil", .step(.init(phase: "p", step: "S\u{1B}[2J\u{1B}c", state: .running, detail: "D\u{1B}[?1000h\u{7F}"))), now: 102)
        try s.apply(Event(job: "evil", .progress(.init(phase: "p", done: 3))), now: 103)
        try s.apply(Event(job: "evil", .log(.init(level: .error, message: "L\u{9B}2J\u{9D}2;PWNED3\u{9C}\r\nEND"))), now: 104)
        try s.apply(Event(job: "evil", .alert(.init(severity: .critical, message: "ALERT\u{1B}]2;PWNED4\u{07}\u{08}\u{08}"))), now: 105)
        var m = DashboardModel(board: Fixture.board(s, now: 110), now: 110, host: "h", socket: "/s")
        _ = m.nav.handle(.enter, state: m.board, pageSize: 10)
        _ = m.nav.handle(.enter, state: m.board, pageSize: 10)
        let text = DashboardView.render(m, width: 120, height: 40, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("S^[[2J^"))
        #expect(text.contains("D^[[?1000h^?"))
    }
}
