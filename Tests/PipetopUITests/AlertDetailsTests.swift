import Testing
@testable import PipetopCore
@testable import PipetopUI

/// The alerts screen shows the selected failure's details: its phase and error lines.
@Suite("Alert details on the alerts screen")
struct AlertDetailsTests {
    init() { _ = utc }

    @Test func theSelectedFailureShowsItsPhaseAndErrorLines() throws {
        var m = try Fixture.model()
        _ = m.nav.handle(.char("!"), state: m.board, pageSize: 5)
        m.nav.selectedAlert = "etl/-/job-failed#1"
        for tier in [Glyphs.Tier.utf8, .ascii] {
            let text = DashboardView.render(m, width: 80, height: 24, glyphs: Glyphs(tier), theme: .defaultDark).text
            #expect(text.contains("details  2 lines"), "\(text)")
            #expect(text.contains("error in enrich: lookup service: connection reset by peer"), "\(text)")
            #expect(text.contains("phase enrich failed: lookup service: connection reset by peer"), "\(text)")
        }
        // Another alert selected (no details): no details box.
        m.nav.selectedAlert = "imp/fetch/event:quota#1"
        #expect(!DashboardView.render(m, width: 80, height: 24, glyphs: Glyphs(.utf8), theme: .defaultDark).text.contains("error in enrich"))
    }
}
