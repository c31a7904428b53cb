import Testing
@testable import PipetopCore
@testable import PipetopUI

@Suite("Navigator: keys to places and events")
struct NavigatorTests {
    init() { _ = utc }

    func press(_ m: inout DashboardModel, _ keys: Key...) -> [Navigator.Effect] {
        keys.map { m.nav.handle($0, state: m.board, pageSize: 5) }
    }

    @Test func enterDrillsFromJobToPhaseAndEscGoesBack() throws {
        var m = try Fixture.model(selected: "etl")
        _ = press(&m, .enter)
        #expect(m.nav.screen == .job("etl"))
        _ = press(&m, .down, .down, .enter)
        #expect(m.nav.screen == .phase(job: "etl", phase: "enrich"))
        _ = press(&m, .escape)
        #expect(m.nav.screen == .job("etl"))
        _ = press(&m, .char("q"))
        #expect(m.nav.screen == .overview)
        #expect(press(&m, .char("q")) == [.quit])
    }

    @Test func filterNarrowsTheListAndEscClearsIt() throws {
        var m = try Fixture.model()
        _ = press(&m, .char("/"), .char("g"), .char("e"), .char("n"))
        #expect(m.nav.editingFilter)
        #expect(m.sortedJobs.map(\.id) == ["gen"])
        _ = press(&m, .enter)
        #expect(!m.nav.editingFilter)
        #expect(m.selected?.id == "gen")
        _ = press(&m, .char("/"), .escape)
        #expect(m.sortedJobs.count == 4)
    }

    @Test func slashStartsANewFilterThatMatchesWhatRowsShowAndEscClearsAKeptOne() throws {
        var m = try Fixture.model()
        _ = press(&m, .char("/"), .char("m"), .char("l"), .enter)
        #expect(m.nav.filter == "ml")
        // A second `/` starts afresh (it used to append: "mlfailed").
        _ = press(&m, .char("/"))
        for c in "stalled" { _ = press(&m, .char(c)) }
        _ = press(&m, .enter)
        #expect(m.sortedJobs.map(\.id) == ["gen"], "genome-align is stalled: the row says so")
        _ = press(&m, .char("/"))
        for c in "alerting" { _ = press(&m, .char(c)) }
        _ = press(&m, .enter)
        #expect(!m.sortedJobs.isEmpty && m.sortedJobs.allSatisfy { j in m.board.alerts.contains { $0.job == j.id && $0.needsAttention } })
        // Esc on the overview clears the kept filter.
        _ = press(&m, .escape)
        #expect(m.nav.filter == nil && m.sortedJobs.count == 4)
    }

    @Test func aKeyThatCannotActSaysWhy() throws {
        var m = try Fixture.model(selected: "ml")  // finished, no alerts
        _ = press(&m, .char("a"))
        #expect(m.nav.hint == "no alert here needs acknowledging")
        let text = DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("no alert here needs acknowledging"))
        _ = press(&m, .char("j"))
        #expect(m.nav.hint == nil, "the next key takes the message away")
        _ = press(&m, .char("!"), .char("x"))
        #expect(m.nav.hint != nil)
    }

    @Test func filtersMatchStatesToo() throws {
        var m = try Fixture.model(selected: "etl")
        _ = press(&m, .enter, .char("/"))
        for c in "pending" { _ = press(&m, .char(c)) }
        _ = press(&m, .enter)
        let job = try #require(m.board[job: "etl"])
        #expect(Lists.phases(job, filter: m.nav.filter).map(\.id) == ["load", "publish"])
    }

    @Test func nJumpsToFailedSteps() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")]))), now: 0)
        for i in 0..<100 {
            try s.apply(Event(job: "j", .step(.init(phase: "p", step: "s\(i)", state: i % 40 == 17 ? .failed : .done))), now: Double(i))
        }
        var m = DashboardModel(board: Fixture.board(s, now: 100), now: 100, host: "h", socket: "/s")
        _ = press(&m, .enter, .enter)
        #expect(m.nav.screen == .phase(job: "j", phase: "p"))
        _ = press(&m, .char("n"))
        #expect(m.nav.stepIndex(in: m.board) == 17)
        _ = press(&m, .char("n"))
        #expect(m.nav.stepIndex(in: m.board) == 57)
        _ = press(&m, .char("n"))
        #expect(m.nav.stepIndex(in: m.board) == 97)
        _ = press(&m, .char("n"))
        #expect(m.nav.stepIndex(in: m.board) == 17)  // wraps
        _ = press(&m, .char("N"))
        #expect(m.nav.stepIndex(in: m.board) == 97)
        _ = press(&m, .char("G"))
        #expect(m.nav.stepIndex(in: m.board) == 99)
    }

    @Test func aAcknowledgesTheSelectedJobsNewestAlertAsTheUser() throws {
        var m = try Fixture.model(selected: "imp")
        let effects = press(&m, .char("a"))
        #expect(effects == [.send([Event(job: "imp", .ack(.init(alert: "imp/fetch/event:quota#1", by: "ana@build-3")))])])
    }

    @Test func capitalAAsksFirstAndSendsOneAckPerAlert() throws {
        var m = try Fixture.model()
        _ = press(&m, .char("!"))
        #expect(m.nav.screen == .alerts)
        #expect(press(&m, .char("A")) == [.none])
        let question = try #require(m.nav.confirm?.question)
        let open = m.board.alerts.filter(\.needsAttention).count
        #expect(open >= 1)
        #expect(question == "Acknowledge \(open) alert\(open == 1 ? "" : "s")? (y/n)")  // the failure is acknowledged already
        guard case .send(let events) = press(&m, .char("y")).first else { Issue.record("nothing sent"); return }
        #expect(events.count == open)
        #expect(events.allSatisfy { if case .ack(let a) = $0.body { return a.by == "ana@build-3" } else { return false } })
        // "n" sends nothing.
        _ = press(&m, .char("A"))
        #expect(press(&m, .char("n")) == [.none])
    }

    @Test func sOffersDurationsAndSilencesTheAlertsRuleForItsJob() throws {
        var m = try Fixture.model(selected: "etl")
        #expect(press(&m, .char("s")) == [.none])
        let question = try #require(m.nav.confirm?.question)
        #expect(question.hasPrefix("Silence job-failed for etl-orders: 1 15m  2 1h  3 4h  4 24h"), "\(question)")
        #expect(press(&m, .char("2")) == [.send([Event(job: "etl", .silence(.init(rule: "job-failed", seconds: 3600, by: "ana@build-3")))])])
        // Any other key answers no.
        _ = press(&m, .char("s"))
        #expect(press(&m, .char("q")) == [.none])
        #expect(m.nav.confirm == nil && m.nav.screen == .overview)
    }

    @Test func xClearsTheJobsAcknowledgedFailureAndResolvedAlerts() throws {
        var m = try Fixture.model(selected: "etl")
        #expect(press(&m, .char("x")) == [.send([Event(job: "etl", .clearAlerts(nil)), Event(job: "etl", .clearAlerts("etl/-/job-failed#1"))])])
        // On the alerts screen: the selected alert if acknowledged, nothing if it still needs someone.
        _ = press(&m, .char("!"))
        let unacked = try #require(m.nav.alert(in: m.board))
        #expect(unacked.ack == nil)
        #expect(press(&m, .char("x")) == [.none])
        _ = press(&m, .char("G"))
        #expect(m.nav.alert(in: m.board)?.id == "etl/-/job-failed#1")
        #expect(press(&m, .char("x")) == [.send([Event(job: "etl", .clearAlerts("etl/-/job-failed#1"))])])
        // a then x: the cursor stays on the alert just acknowledged.
        _ = press(&m, .char("g"))
        let first = try #require(m.nav.alert(in: m.board))
        #expect(press(&m, .char("a")) == [.send([Event(job: first.job, .ack(.init(alert: first.id, by: "ana@build-3")))])])
        #expect(m.nav.selectedAlert == first.id)
        // With no open alert selected, x clears every resolved one; with none, it says so.
        var none = DashboardModel(board: Board(at: 0), now: 0, host: "h", socket: "/s")
        _ = press(&none, .char("!"))
        #expect(press(&none, .char("x")) == [.none])
        #expect(none.nav.hint == "nothing resolved to clear")
    }

    /// Behind "terminal too small" nothing is seen, so nothing acts but q (a blind y once
    /// acknowledged every alert).
    @Test func keysDoNothingBehindTheTooSmallScreen() throws {
        var m = try Fixture.model()
        _ = press(&m, .char("!"), .char("A"))
        #expect(m.nav.confirm != nil)
        let before = m.nav
        for k: Key in [.char("y"), .char("a"), .char("A"), .char("x"), .char("s"), .char("1"), .enter, .escape, .down, .char("?")] {
            #expect(m.nav.handle(k, state: m.board, pageSize: 5, tooSmall: true) == .none)
        }
        #expect(m.nav == before, "no key changed anything")
        #expect(m.nav.handle(.char("q"), state: m.board, pageSize: 5, tooSmall: true) == .quit)
        #expect(DashboardView.isTooSmall(width: 39, height: 24) && DashboardView.isTooSmall(width: 80, height: 9))
        #expect(!DashboardView.isTooSmall(width: 40, height: 10))
    }

    @Test func theBellRingsForANewCriticalAlertOnly() throws {
        var bell = AlertBell()
        var s = try Fixture.state()
        var rang = bell.ring(for: Fixture.board(s))
        #expect(!rang)  // open at start: no ring
        try s.apply(Event(job: "imp", .alert(.init(severity: .warning, message: "slowish", name: "w"))), now: Fixture.t0 + 20)
        rang = bell.ring(for: Fixture.board(s))
        #expect(!rang)
        try s.apply(Event(job: "imp", .alert(.init(severity: .critical, message: "disk full", name: "c"))), now: Fixture.t0 + 21)
        rang = bell.ring(for: Fixture.board(s))
        #expect(rang)
        rang = bell.ring(for: Fixture.board(s))
        #expect(!rang)  // once
    }

    @Test func enterOnAnAlertOpensItsTextThenItsPhase() throws {
        var m = try Fixture.model()
        _ = press(&m, .char("!"))
        let first = try #require(m.nav.alert(in: m.board))
        _ = press(&m, .enter)
        #expect(m.nav.screen == .text(.alert(first.id)))
        _ = press(&m, .enter)
        #expect(m.nav.screen == .phase(job: first.job, phase: first.phase!))
        _ = press(&m, .escape)
        #expect(m.nav.screen == .job(first.job))
    }

    @Test func thePagerScrollsSearchesAndFollows() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "train", phases: [.init(id: "p")]))), now: 0)
        for i in 0..<60 { try s.apply(Event(job: "j", .log(.init(level: .info, message: "epoch \(i) done"))), now: Double(i)) }
        try s.apply(Event(job: "j", .log(.init(level: .error, message: "Traceback (most recent call last):\n  File \"train.py\", line 3\nValueError: bad batch"))), now: 61)
        var m = DashboardModel(board: Fixture.board(s, now: 62), now: 62, host: "h", socket: "/s")
        func key(_ k: Key) { _ = m.nav.handle(k, state: m.board, pageSize: 16, width: 80) }
        key(.char("L"))
        #expect(m.nav.screen == .text(.log(job: "j")) && m.nav.pager.follow)
        var text = DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
        // A traceback reads as lines, at the end, which a followed log shows.
        #expect(text.contains("ValueError: bad batch") && text.contains("  File \"train.py\", line 3"))
        key(.char("g"))
        #expect(!m.nav.pager.follow)
        text = DashboardView.render(m, width: 80, height: 24, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("epoch 0 done") && !text.contains("ValueError"))
        key(.char("/"))
        for c in "epoch 42" { key(.char(c)) }
        key(.enter)
        #expect(m.nav.pager.top == 42)
        key(.char("f"))
        #expect(m.nav.pager.follow)
        key(.escape)  // clears the search first
        key(.escape)
        #expect(m.nav.screen == .overview)
    }

    @Test func tabMovesIntoTheAlertsPane() throws {
        var m = try Fixture.model()
        _ = press(&m, .tab)
        #expect(m.nav.alertsFocused)
        _ = press(&m, .down)
        let second = Lists.alerts(m.board, filter: nil)[1]
        #expect(m.nav.alert(in: m.board)?.id == second.id)
        _ = press(&m, .escape)
        #expect(!m.nav.alertsFocused)
        #expect(m.nav.screen == .overview)
    }

    @Test func helpOpensAndAnyKeyClosesIt() throws {
        var m = try Fixture.model()
        _ = press(&m, .char("?"))
        #expect(m.nav.helpShown)
        #expect(press(&m, .char("q")) == [.none])  // closes help, does not quit
        #expect(!m.nav.helpShown)
    }

    @Test func everyBindingIsReachableAndTheHelpListsIt() throws {
        let m = try Fixture.model()
        var nav = m.nav
        nav.helpShown = true
        var model = m
        model.nav = nav
        // Every binding is listed, on 80x24 too (scrolled to its end): its own help, or the line
        // it shares with its opposite.
        for (w, h) in [(120, 40), (80, 24)] {
            var text = DashboardView.render(model, width: w, height: h, glyphs: .utf8, theme: .defaultDark).text
            var scrolled = model
            for _ in 0..<6 {  // a page at a time, to its end
                _ = scrolled.nav.handle(.pageDown, state: scrolled.board, pageSize: h - 8, width: w)
                text += DashboardView.render(scrolled, width: w, height: h, glyphs: .utf8, theme: .defaultDark).text
            }
            for b in KeyTable.bindings {
                let pair = HelpOverlay.pairs.first { $0.0 == b.action || $0.1 == b.action }
                let shown = pair?.2 ?? String(b.help.prefix(w / 3))
                #expect(text.contains(shown), "help at \(w)x\(h) lacks: \(shown)")
            }
        }
        for c in Context.allCases {
            let footer = KeyTable.footer(for: c)
            #expect(footer.first?.action == .help, "\(c): help must come first in the footer")
        }
    }
}

@Suite("Help screen")
struct HelpScreenTests {
    @Test func scrollsInASidePaneAndAnyOtherKeyClosesIt() throws {
        var m = try Fixture.model()
        _ = m.nav.handle(.char("?"), state: m.board, pageSize: 8, width: 60)
        let first = DashboardView.render(m, width: 60, height: 16, glyphs: .utf8, theme: .defaultDark).text
        #expect(first.contains("move up / down") && first.contains("scroll (1-"))
        #expect(!first.contains("at least"), "the legend is below the fold at 60x16")
        _ = m.nav.handle(.end, state: m.board, pageSize: 8, width: 60)
        let end = DashboardView.render(m, width: 60, height: 16, glyphs: .utf8, theme: .defaultDark).text
        #expect(end.contains("at least") && !end.contains("move up / down"))
        _ = m.nav.handle(.char("z"), state: m.board, pageSize: 8, width: 60)
        #expect(!m.nav.helpShown && m.nav.helpScroll == 0)
    }

    @Test func noKeyIsListedTwiceAndLongLinesWrap() throws {
        let entries = HelpOverlay.entries(in: .overview, glyphs: .utf8)
        let keys = entries.flatMap { $0.keys.split(separator: " ").filter { $0 != "/" }.flatMap { $0.split(separator: ",") } }
        #expect(Set(keys).count == keys.count, "\(keys)")
        var m = try Fixture.model()
        _ = m.nav.handle(.char("?"), state: m.board, pageSize: 8, width: 60)
        let text = DashboardView.render(m, width: 60, height: 16, glyphs: .utf8, theme: .defaultDark).text
        // Cut at the box's edge before; now whole, on two lines.
        #expect(text.contains("a new filter on what rows show:") && text.contains("name, state, stalled, alerting,"))
    }
}

@Suite("Sorting and showing jobs")
struct JobOrderTests {
    init() { _ = utc }

    func press(_ m: inout DashboardModel, _ keys: Key...) { for k in keys { _ = m.nav.handle(k, state: m.board, pageSize: 10) } }

    @Test func oSortsByTheNextKeyAndOReversesIt() throws {
        var m = try Fixture.model()
        let byAttention = m.sortedJobs.map(\.id)
        #expect(byAttention.first == "etl", "failed first by default")
        press(&m, .char("o"))
        #expect(m.nav.sort == .name)
        let names = m.sortedJobs.map { $0.name.lowercased() }
        #expect(names == names.sorted())
        var text = DashboardView.render(m, width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("JOB↑"))
        press(&m, .char("O"))
        #expect(m.sortedJobs.map { $0.name.lowercased() } == names.reversed())
        #expect(DashboardView.render(m, width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text.contains("JOB↓"))
        press(&m, .char("o"))  // progress, most done first
        let fractions = m.sortedJobs.map { $0.fraction(at: m.board.at) }
        #expect(fractions == fractions.sorted(by: >))
        text = DashboardView.render(m, width: 100, height: 30, glyphs: .ascii, theme: .defaultDark).text
        #expect(text.contains("PROGRESSv"))
        press(&m, .char("o"), .char("o"), .char("o"))  // eta, elapsed, cpu: no column of its own
        #expect(m.nav.sort == .cpu)
        #expect(DashboardView.render(m, width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text.contains("JOB by cpu↓"))
        // By state, a lost job (left running, its row says lost) sorts with the failed ones.
        m.board.jobs.append(BoardJob(id: "vanished", name: "vanished", state: .running, startedAt: 0, error: "its process is gone", byEngine: true))
        press(&m, .char("o"), .char("o"))
        #expect(m.nav.sort == .state)
        let states = m.sortedJobs.map { $0.isLost ? "lost" : $0.state.rawValue }
        #expect(states.prefix(2).sorted() == ["failed", "lost"], "\(states)")
    }

    @Test func theDefaultOrderIsTheBoardsAttentionOrderAndOTurnsItsGroupsRound() throws {
        var m = try Fixture.model()
        // A job whose process vanished: lost, so it ranks with the failed ones.
        m.board.jobs.append(BoardJob(id: "vanished", name: "vanished", state: .running, startedAt: 0, error: "its process is gone", byEngine: true))
        #expect(m.sortedJobs.map(\.id) == m.board.byAttention.map(\.id))
        let groups = m.sortedJobs.map { JobAttention($0, alerting: m.board.alertingJobs.contains($0.id)).group }
        #expect(groups == groups.sorted() && groups.first == .needed && Set(groups).count == 3, "\(groups)")
        #expect(zip(m.sortedJobs, groups).filter { $0.1 == .needed }.map(\.0.id).contains("vanished"))
        press(&m, .char("O"))
        let reversed = m.sortedJobs.map { JobAttention($0, alerting: m.board.alertingJobs.contains($0.id)).group }
        #expect(reversed == groups.sorted(by: >), "finished first when reversed")
    }

    @Test func vShowsActiveThenFailedThenAllAndTheHeaderSaysWhich() throws {
        var m = try Fixture.model()
        // A job whose process vanished with no end: lost, not active, and shown with the failed.
        m.board.jobs.append(BoardJob(id: "vanished", name: "vanished", state: .running, startedAt: 0, error: "its process is gone", byEngine: true))
        press(&m, .char("v"))
        #expect(m.nav.show == .active && m.sortedJobs.allSatisfy { !$0.state.isTerminal } && !m.sortedJobs.isEmpty)
        #expect(!m.sortedJobs.contains { $0.id == "vanished" }, "a lost job is not active")
        #expect(DashboardView.render(m, width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text.contains("showing active"))
        press(&m, .char("v"))
        let alerting = Set(m.board.alerts.filter(\.needsAttention).map(\.job))
        #expect(m.nav.show == .failed && m.sortedJobs.allSatisfy { $0.state == .failed || $0.isLost || alerting.contains($0.id) })
        #expect(Set(m.sortedJobs.map(\.id)) == Set(m.board.jobs.filter { $0.state == .failed || $0.isLost || alerting.contains($0.id) }.map(\.id)))
        #expect(m.sortedJobs.contains { $0.id == "vanished" }, "a lost job needs a person as a failed one does")
        #expect(DashboardView.render(m, width: 80, height: 30, glyphs: .utf8, theme: .defaultDark).text.contains("showing failed/lost/alerting"))
        // Where the counts do not fit, the view's name still does.
        #expect(DashboardView.render(m, width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text.contains(" failed/lost/alerting "))
        press(&m, .char("v"))
        #expect(m.nav.show == .all && m.sortedJobs.count == m.board.jobs.count)
    }
}

@Suite("Ending a job from the dashboard")
struct EndJobTests {
    init() { _ = utc }

    @Test func eAsksThenEndsTheSelectedJobAsChosen() throws {
        var m = try Fixture.model(selected: "imp")
        #expect(m.nav.handle(.char("E"), state: m.board, pageSize: 10) == .none)
        #expect(m.nav.confirm?.question.contains("End nightly-import") == true)
        let effect = m.nav.handle(.char("c"), state: m.board, pageSize: 10)
        #expect(effect == .send([Event(job: "imp", .jobEnd(.init(status: .canceled, error: "ended from the dashboard by ana@build-3")))]))
        // Any other key says no.
        _ = m.nav.handle(.char("E"), state: m.board, pageSize: 10)
        #expect(m.nav.handle(.char("n"), state: m.board, pageSize: 10) == .none && m.nav.confirm == nil)
        // A finished job cannot be ended again.
        var done = try Fixture.model(selected: "ml")
        _ = done.nav.handle(.char("E"), state: done.board, pageSize: 10)
        #expect(done.nav.confirm == nil && done.nav.hint?.contains("has ended already") == true)
    }
}

@Suite("Same-named runs")
struct SameNamedRunsTests {
    @Test func areToldApartByRunNumberElseStartTime() throws {
        _ = utc
        var s = PipelineState()
        try s.apply(Event(job: "etl", .jobStart(.init(name: "etl"))), now: 0)
        try s.apply(Event(job: "etl", .jobEnd(.init(status: .completed))), now: 10)
        try s.apply(Event(job: "etl", .jobStart(.init(name: "etl"))), now: 20)   // run 2 of etl
        try s.apply(Event(job: "etl-77", .jobStart(.init(name: "etl"))), now: 30)  // run 1, beside it
        try s.apply(Event(job: "etl-78", .jobStart(.init(name: "etl"))), now: 3_700)  // run 1 too
        try s.apply(Event(job: "solo", .jobStart(.init(name: "solo"))), now: 40)
        let labels = JobList.labels(Fixture.board(s, now: 3_800).jobs)
        #expect(labels["etl"] == "etl #2")
        #expect(labels["etl-77"] == "etl 00:00:30" && labels["etl-78"] == "etl 01:01:40")
        #expect(labels["solo"] == nil)
    }
}

@Suite("Forgetting a job from the dashboard")
struct ForgetKeyTests {
    @Test func dAsksThenForgetsAFinishedJobOnly() throws {
        _ = utc
        var m = try Fixture.model(selected: "ml")  // finished
        _ = m.nav.handle(.char("D"), state: m.board, pageSize: 10)
        #expect(m.nav.confirm?.question.contains("Forget") == true)
        #expect(m.nav.handle(.char("y"), state: m.board, pageSize: 10) == .send([Event(job: "ml", .forgetJob)]))
        var running = try Fixture.model(selected: "imp")
        _ = running.nav.handle(.char("D"), state: running.board, pageSize: 10)
        #expect(running.nav.confirm == nil && running.nav.hint?.contains("only a finished job") == true)
    }
}

@Suite("Finished jobs fold")
struct FinishedFoldTests {
    @Test func oldFinishedJobsFoldIntoOneRowThatEnterOpens() throws {
        _ = utc
        var s = PipelineState()
        for i in 0..<3 {
            try s.apply(Event(job: "old\(i)", .jobStart(.init(name: "nightly-\(i)"))), now: Double(i))
            try s.apply(Event(job: "old\(i)", .jobEnd(.init(status: .completed))), now: 100 + Double(i))
        }
        try s.apply(Event(job: "live", .jobStart(.init(name: "today"))), now: 5_000)
        var m = DashboardModel(board: Fixture.board(s, now: 5_010), now: 5_010, host: "h", socket: "/s")
        #expect(m.sortedJobs.map(\.id) == ["live", Lists.foldedID])
        let text = DashboardView.render(m, width: 100, height: 30, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("3 finished more than 10 minutes ago · Enter shows them"))
        _ = m.nav.handle(.down, state: m.board, pageSize: 10)
        #expect(m.selected == nil, "the folded row is no job: keys that act on a job find none")
        _ = m.nav.handle(.enter, state: m.board, pageSize: 10)
        #expect(m.nav.screen == .overview && m.sortedJobs.count == 4)
        // v and back to all folds them again.
        for _ in 0..<3 { _ = m.nav.handle(.char("v"), state: m.board, pageSize: 10) }
        #expect(m.sortedJobs.count == 2)
    }
}

@Suite("Narrow list counts")
struct NarrowCountTests {
    @Test func theRowCountIsNeverCutIntoAnotherNumber() throws {
        _ = utc
        var s = PipelineState()
        for i in 1...14 { try s.apply(Event(job: "b\(i)", .jobStart(.init(name: "batch-\(i)"))), now: Double(i)) }
        var m = DashboardModel(board: Fixture.board(s, now: 20), now: 20, host: "h", socket: "/s")
        _ = m.nav.handle(.char("v"), state: m.board, pageSize: 8, width: 60)  // active: also says so in the header
        let text = DashboardView.render(m, width: 60, height: 16, glyphs: .utf8, theme: .defaultDark).text
        #expect(text.contains("/14") || text.contains("of 14"), "\(text)")
        #expect(!text.contains("of 1 "))
        #expect(text.contains("showing active") || text.contains(" active "), "\(text)")
    }
}
