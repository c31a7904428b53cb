import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopUI

/// The dashboard's real loop on a test backend: keys in, frames out.
@Suite("Dashboard loop: keys in, screens out")
struct DashboardLoopTests {
    init() { _ = utc }

    /// The loop on its own thread, as the main thread runs it in pipetop.
    final class Running: @unchecked Sendable {
        let backend: TestBackend
        let source: FixedSource
        let stopper = StopSignal()
        private let ended = DispatchSemaphore(value: 0)

        init(width: Int = 80, height: Int = 24) throws {
            backend = TestBackend(width: width, height: height)
            source = FixedSource(try Fixture.state(), now: Fixture.t0 + 10)
            let dashboard = Dashboard(source: source, glyphs: .utf8, theme: .defaultDark, user: "ana@build-3", stopper: stopper)
            let box = UncheckedBox(value: dashboard)
            Thread { [backend, ended] in
                box.value.run(on: backend)
                ended.signal()
            }.start()
        }

        /// True once the loop returned by itself (`q`), waiting up to `seconds`.
        func ends(within seconds: Double = 10) -> Bool {
            guard ended.wait(timeout: .now() + seconds) == .success else { return false }
            ended.signal()  // for deinit
            return true
        }

        deinit {
            stopper.set()
            _ = ended.wait(timeout: .now() + 10)
        }
    }

    struct UncheckedBox<T>: @unchecked Sendable { let value: T }

    @Test func enterDrillsIntoAJobThenAPhaseAndEscAndQGoBack() throws {
        let ui = try Running()
        #expect(ui.backend.waitForScreen { $0.contains("JOB") && $0.contains("▶ ✗ etl-orders") } != nil)
        ui.backend.press(.enter)
        #expect(ui.backend.waitForScreen { $0.contains("PHASE") && $0.contains("etl-orders  failed · started") } != nil)
        ui.backend.press(.down, .down, .enter)
        let phase = ui.backend.waitForScreen { $0.contains("etl-orders ─▶ enrich") }
        #expect(phase?.contains("batch 4") == true)
        ui.backend.press(.escape)
        #expect(ui.backend.waitForScreen { $0.contains("PHASE") && !$0.contains("─▶ enrich  failed") } != nil)
        ui.backend.press(.char("q"))
        #expect(ui.backend.waitForScreen { $0.contains("JOB") && $0.contains(" quit ") } != nil)
        ui.backend.press(.char("q"))
        #expect(ui.ends())
    }

    @Test func slashFiltersTheJobListAndSaysSoInTheFooter() throws {
        let ui = try Running()
        #expect(ui.backend.waitForScreen { $0.contains("nightly-import") } != nil)
        ui.backend.press(.char("/"))
        ui.backend.type("gen")
        #expect(ui.backend.waitForScreen { $0.contains("filter:  gen") } != nil)
        ui.backend.press(.enter)
        let shown = ui.backend.waitForScreen { $0.contains("filter: gen") }
        let list = shown?.split(separator: "\n").dropFirst(2).prefix(3).joined(separator: "\n") ?? ""
        #expect(list.contains("genome-align"))
        #expect(!list.contains("nightly-import") && !list.contains("etl-orders"))
        // Esc in the filter line clears it: every job is back.
        ui.backend.press(.char("/"), .escape)
        #expect(ui.backend.waitForScreen { $0.contains("nightly-import") && $0.contains("etl-orders") && !$0.contains("filter:") } != nil)
    }

    @Test func aTooSmallTerminalIgnoresKeysButQAndRecoversWhenItGrows() throws {
        let ui = try Running(width: 30, height: 8)
        #expect(ui.backend.waitForScreen { $0.contains("terminal too small") && $0.contains("now 30x8") } != nil)
        // Keys that would act on what cannot be seen do nothing.
        ui.backend.press(.char("A"), .char("y"), .char("a"), .enter)
        ui.backend.resize(width: 80, height: 24)
        let grown = ui.backend.waitForScreen { $0.contains("JOB") && $0.contains("etl-orders") }
        #expect(grown?.contains("Acknowledge") == false)
        #expect(grown?.contains("· started") == false)  // Enter did not open the job
        #expect(ui.source.sent.isEmpty)
        ui.backend.resize(width: 30, height: 8)
        #expect(ui.backend.waitForScreen { $0.contains("terminal too small") } != nil)
        ui.backend.press(.char("q"))
        #expect(ui.ends())
    }

    @Test func aAcknowledgesThroughTheSourceAndANewCriticalAlertRingsOnce() throws {
        let ui = try Running()
        #expect(ui.backend.waitForScreen { $0.contains("nightly-import") } != nil)
        ui.backend.press(.char("!"))
        #expect(ui.backend.waitForScreen { $0.contains("needs attention") } != nil)
        ui.backend.press(.char("a"))
        #expect(ui.backend.waitForScreen { _ in !ui.source.sent.isEmpty } != nil)
        let first = try #require(Lists.alerts(Fixture.board(try Fixture.state()), filter: nil).first)
        #expect(ui.source.sent == [Event(job: first.job, .ack(.init(alert: first.id, by: "ana@build-3")))])
        #expect(ui.backend.bells == 0)  // alerts open at start are not news
        var s = try Fixture.state()
        try s.apply(Event(job: "gen", .alert(.init(severity: .critical, message: "disk full", name: "disk"))), now: Fixture.t0 + 11)
        ui.source.publish(s)
        #expect(ui.backend.waitForScreen { $0.contains("disk full") } != nil)
        #expect(ui.backend.bells == 1)
    }

    /// A job arriving on top of the list does not take the cursor from the one being read.
    @Test func aJobArrivingOnTopDoesNotStealTheSelection() throws {
        let ui = try Running()
        #expect(ui.backend.waitForScreen { $0.contains("▶ ✗ etl-orders") } != nil)
        ui.backend.press(.down)
        #expect(ui.backend.waitForScreen { $0.contains("▶⚑◐ nightly-import") } != nil)
        var s = try Fixture.state()
        try s.apply(Event(job: "new", .jobStart(.init(name: "brand-new", phases: [.init(id: "p")]))), now: Fixture.t0 + 11)
        try s.apply(Event(job: "new", .jobEnd(.init(status: .failed, error: "boom"))), now: Fixture.t0 + 11)
        ui.source.publish(s)
        let after = ui.backend.waitForScreen { $0.contains("brand-new") }
        let rows = after?.split(separator: "\n").dropFirst(2).prefix(5).map(String.init) ?? []
        #expect(rows.first?.contains("brand-new") == true, "the new failed job sorts first: \(rows)")
        #expect(rows.contains { $0.hasPrefix("▶⚑◐ nightly-import") }, "\(rows)")
    }
}
