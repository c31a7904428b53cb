import Testing
@testable import PipetopCore
@testable import PipetopUI

@Suite("Overview view")
struct OverviewViewTests {
    init() { _ = utc }

    /// Every screen, at the smallest usual size and a large one, in both glyph tiers.
    @Test(arguments: ["overview", "job", "phase", "alerts", "help", "help-scrolled", "alert-text", "log", "step-text"], [(80, 24), (60, 16), (200, 60)])
    func goldenScreens(screen: String, size: (Int, Int)) throws {
        for tier in [Glyphs.Tier.utf8, .ascii] {
            var m = try Fixture.model()
            let keys: [Key]
            switch screen {
            case "job": keys = [.enter]                       // etl-orders, sorted first
            case "phase": keys = [.enter, .down, .down, .enter] // its failed phase
            case "alerts": keys = [.char("!")]
            case "help": keys = [.char("?")]
            case "help-scrolled": keys = [.char("?"), .char("j"), .char("j"), .end]  // to its end
            case "alert-text": keys = [.char("!"), .end, .enter]  // the failure's whole text
            case "log": keys = [.char("L")]                       // etl-orders' log, following
            case "step-text": keys = [.enter, .down, .down, .enter, .char("n"), .enter]  // the failed step's detail
            default: keys = []
            }
            for k in keys { _ = m.nav.handle(k, state: m.board, pageSize: size.1 - 8, width: size.0) }
            let g = DashboardView.render(m, width: size.0, height: size.1, glyphs: Glyphs(tier), theme: .defaultDark)
            #expect(try matchesGolden(g.text, "\(screen)-\(size.0)x\(size.1)-\(tier.rawValue)"))
        }
    }

    @Test func failedJobsComeFirstThenRunningThenFinished() throws {
        let m = try Fixture.model()
        // Failed or alerting first (newest first among them), then running, then finished.
        #expect(m.sortedJobs.map(\.id) == ["etl", "imp", "gen", "ml"])
    }

    @Test func selectionFollowsTheJobAndIsClamped() throws {
        var m = try Fixture.model()
        #expect(m.selected?.id == "etl")
        for _ in 0..<2 { _ = m.nav.handle(.char("j"), state: m.board, pageSize: 10) }
        #expect(m.selected?.id == "gen")
        _ = m.nav.handle(.char("G"), state: m.board, pageSize: 10)
        #expect(m.selected?.id == "ml")
        _ = m.nav.handle(.pageUp, state: m.board, pageSize: 10)
        #expect(m.selected?.id == "etl")
    }

    @Test func selectedJobShowsItsPhasesStepsAndErrors() throws {
        let text = DashboardView.render(try Fixture.model(selected: "etl"), width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("● extract ─▶ ⊘ clean ─▶ ✗ enrich ─▶ ○ load ─▶ ○ publish"))
        #expect(text.contains("lookup service: connection reset by peer"))
        #expect(text.contains("✗ batch 4"))
        #expect(text.contains("1230/1800 rows"), "done, as the table says DONE 1230 (3 failed apart)")
    }

    /// The phase screen's title and the job screen's row give one phase the same counts and
    /// percent (BoardPhase.progressFacts): failed items are not progress on either.
    @Test func phaseAndJobScreensAgreeOnAPhase() throws {
        var m = try Fixture.model()
        _ = m.nav.handle(.enter, state: m.board, pageSize: 16, width: 100)
        let job = DashboardView.render(m, width: 100, height: 24, glyphs: .utf8, theme: .defaultDark).text
        for k in [Key.down, .down, .enter] { _ = m.nav.handle(k, state: m.board, pageSize: 16, width: 100) }
        let phase = DashboardView.render(m, width: 100, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(phase.contains("enrich  failed · 1230/1800 rows · 68% · 3 failed"))
        let row = try #require(job.split(separator: "\n").first { $0.contains("✗ enrich") && $0.contains("1800") })
        #expect(row.contains(" 1230 ") && row.contains(" 3 ") && row.contains(" 68%"), "\(row)")
        // The overview's detail pane says it too.
        let overview = DashboardView.render(try Fixture.model(selected: "etl"), width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text
        let pane = try #require(overview.split(separator: "\n").first { $0.contains("✗ enrich") && $0.contains("/1800") })
        #expect(pane.contains("1230/1800 rows") && pane.contains("68%"))
    }

    /// The overview's NOW column counts a phase's progress as its progressFacts and its
    /// percent do: skipped items are progress, so 400 done and 28 skipped is 428/1000, 42%.
    @Test func theNowColumnCountsAsTheProgressFacts() throws {
        var s = PipelineState()
        let t0 = Fixture.t0
        try s.apply(Event(job: "ml", .jobStart(.init(name: "resnet", phases: [.init(id: "train")]))), now: t0)
        try s.apply(Event(job: "ml", .phaseStart(.init(phase: "train", total: 1000, unit: "batches"))), now: t0)
        try s.apply(Event(job: "ml", .progress(.init(phase: "train", done: 400, skipped: 28))), now: t0 + 5)
        let board = Fixture.board(s, now: t0 + 10)
        let phase = try #require(board.jobs.first?.phases.first)
        #expect(phase.progressFacts.prefix(2) == ["428/1000 batches", "42%"])
        let m = DashboardModel(board: board, now: t0 + 10, host: "build-3", socket: "/run/user/1000/pipetop/pipetop.sock",
                               link: .live, user: "ana@build-3")
        let text = DashboardView.render(m, width: 160, height: 24, glyphs: .utf8, theme: .defaultDark).text
        let row = try #require(text.split(separator: "\n").first { $0.contains("resnet") })
        #expect(row.contains("train 428/1000") && row.contains("42%"), "\(row)")
    }

    /// A lost job (its process gone, no job.end) is counted lost in the header, not running.
    @Test func theHeaderCountsALostJobAsLost() throws {
        var m = try Fixture.model()
        let i = try #require(m.board.jobs.firstIndex { $0.id == "imp" })
        #expect(m.board.jobs[i].state == .running)
        let before = DashboardView.render(m, width: 160, height: 30, glyphs: .utf8, theme: .defaultDark).text
        #expect(before.contains("4 jobs: 2 running, 1 failed, 1 done"))
        m.board.jobs[i].byEngine = true
        m.board.jobs[i].error = "process 4242 is gone and sent no job.end"
        let after = DashboardView.render(m, width: 160, height: 30, glyphs: .utf8, theme: .defaultDark).text
        #expect(after.contains("4 jobs: 1 running, 1 lost, 1 failed, 1 done"), "\(after)")
    }

    /// On a narrow terminal the header's counts that need a person are the last to go.
    @Test func aNarrowHeaderKeepsTheFailedAndLostCounts() throws {
        var m = try Fixture.model()
        let header = { (w: Int) in String(DashboardView.render(m, width: w, height: 16, glyphs: .utf8, theme: .defaultDark).text.split(separator: "\n")[0]) }
        #expect(header(60).contains("4 jobs: 1 failed") && !header(60).contains("done"), "\(header(60))")
        let i = try #require(m.board.jobs.firstIndex { $0.id == "imp" })
        m.board.jobs[i].byEngine = true
        #expect(header(60).contains("4 jobs: 1 lost") && !header(60).contains("running"), "\(header(60))")
        #expect(header(160).contains("4 jobs: 1 running, 1 lost, 1 failed, 1 done"), "the order is kept: \(header(160))")
    }

    @Test func aStalledPhaseSaysSo() throws {
        let text = DashboardView.render(try Fixture.model(selected: "gen"), width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("stalled 2m40s"))
    }

    @Test func escapeSequencesInNamesAreShownNotSent() throws {
        let g = DashboardView.render(try Fixture.model(selected: "gen"), width: 120, height: 30, glyphs: .utf8, theme: .defaultDark)
        #expect(!g.text.contains("\u{1B}"))
        #expect(g.text.contains("genome-align ^[[31mNA12878"))
    }

    @Test func wideCharactersAreMeasuredInColumns() throws {
        let g = DashboardView.render(try Fixture.model(), width: 80, height: 24, glyphs: .utf8, theme: .defaultDark)
        for line in g.text.split(separator: "\n") { #expect(TextWidth.columns(String(line)) == 80) }
        #expect(g.text.contains("学習ジョブ"))
    }

    @Test func tooSmallSaysWhatItNeeds() throws {
        let g = DashboardView.render(try Fixture.model(), width: 30, height: 8, glyphs: .utf8, theme: .defaultDark)
        #expect(g.text.contains("terminal too small"))
        #expect(g.text.contains("need 40x10"))
    }

    @Test func emptyStateTellsWhereToSendEvents() {
        let m = DashboardModel(board: Board(at: Fixture.t0), now: Fixture.t0, host: "h", socket: "/tmp/s.sock")
        let text = DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("No jobs yet."))
        #expect(text.contains("/tmp/s.sock"))
        #expect(text.contains("0 jobs"))
    }

    @Test func lostLinkIsShownInTheFooter() throws {
        var m = try Fixture.model()
        m.link = .lost("the engine closed the connection")
        let text = DashboardView.render(m, width: 100, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.split(separator: "\n").last?.contains("disconnected: the engine closed the connection") == true)
    }
}

@Suite("Grid and text width")
struct GridTests {
    @Test func widths() {
        #expect(TextWidth.columns("abc") == 3)
        #expect(TextWidth.columns("日本") == 4)
        #expect(TextWidth.columns("e\u{301}") == 1)
        #expect(TextWidth.columns("🚀") == 2)
    }

    @Test func truncationNeverSplitsAWideCharacter() {
        #expect(TextWidth.truncate("日本語テキスト", to: 6) == "日本…")
        #expect(TextWidth.columns(TextWidth.truncate("日本語テキスト", to: 6)) <= 6)
        #expect(TextWidth.truncate("short", to: 10) == "short")
        #expect(TextWidth.fit("ab", 4, alignRight: true) == "  ab")
    }

    @Test func controlCharactersBecomeVisible() {
        #expect(TextWidth.visible("a\u{1B}[2Jb\u{7}") == "a^[[2Jb^G")
        #expect(TextWidth.visible("plain") == "plain")
    }

    @Test func wideCharactersTakeTwoCellsAndClipWhole() {
        var g = Grid(width: 5, height: 1)
        let used = g.put("a日本", x: 0, y: 0)
        #expect(used == 5)
        #expect(g[2, 0].continuation)
        var h = Grid(width: 4, height: 1)
        #expect(h.put("a日本", x: 0, y: 0) == 3)
        #expect(h.text == "a日 ")
    }

    @Test func progressBarDrawsEighths() {
        var g = Grid(width: 4, height: 1)
        ProgressBar(fraction: 0.5 + 1.0 / 32, fill: .plain, empty: .plain, glyphs: .utf8).render(into: &g, rect: Rect(x: 0, y: 0, width: 4, height: 1))
        #expect(g.text == "██▏ ")
        var a = Grid(width: 4, height: 1)
        ProgressBar(fraction: 0.5, fill: .plain, empty: .plain, glyphs: .ascii).render(into: &a, rect: Rect(x: 0, y: 0, width: 4, height: 1))
        #expect(a.text == "##..")
    }

    @Test func coloursMapToTheTerminalsDepth() {
        #expect(ColorMapper.number(.rgb(255, 0, 0), depth: .c256) == 196)
        #expect(ColorMapper.number(.rgb(128, 128, 128), depth: .c256) == 244)
        #expect(ColorMapper.number(.rgb(250, 10, 10), depth: .c8) == 1)
        #expect(ColorMapper.number(.rgb(1, 2, 3), depth: .truecolor) == 0x010203)
        #expect(ColorMapper.number(.default, depth: .c256) == -1)
        #expect(ColorDepth.detect(environment: ["NO_COLOR": "1"], terminalColors: 256, hasColors: true) == .none)
        #expect(ColorDepth.detect(environment: [:], terminalColors: 256, hasColors: true) == .c256)
        #expect(ColorDepth.detect(environment: [:], terminalColors: 8, hasColors: true) == .c8)
        #expect(ColorDepth.detect(environment: [:], terminalColors: 0, hasColors: false) == .none)
    }

    @Test func footerComesFromTheKeyTable() {
        var g = Grid(width: 120, height: 1)
        let shown = KeyTable.footer(for: .overview)
        Footer(bindings: shown, status: "s", statusStyle: .plain, glyphs: .ascii, theme: .monochrome).render(into: &g, rect: Rect(x: 0, y: 0, width: 120, height: 1))
        for b in shown { #expect(g.text.contains(b.footer!)) }
        #expect(g.text.contains("Up/Dn/jk"))
        #expect(KeyTable.action(for: .char("j"), in: .overview) == .moveDown)
        #expect(KeyTable.action(for: .char("q"), in: .overview) == .quit)
        #expect(KeyTable.action(for: .char("q"), in: .phase) == .back)
        #expect(KeyTable.action(for: .char("n"), in: .overview) == nil)
        #expect(KeyTable.action(for: .char("z"), in: .job) == nil)
    }
}
