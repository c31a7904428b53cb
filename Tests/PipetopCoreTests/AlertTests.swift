import Testing
@testable import PipetopCore

@Suite("Alerts")
struct AlertTests {
    @Test func aFailedPhaseRaisesACriticalAlertWhileTheJobRuns() throws {
        var s = try started()
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .failed, error: "HTTP 503"))), now: 110)
        let open = s.alerts.sorted
        #expect(open.map(\.id) == ["j1/fetch/phase-failed#1"])
        #expect(open.allSatisfy { $0.severity == .critical && $0.needsAttention })
        #expect(open[0].message == "phase fetch failed: HTTP 503")
    }

    /// An exception: an error line, the phase fails, the job fails. One failure, one alert,
    /// with the phase and the error line as its details (one `a` to acknowledge).
    @Test func oneFailureIsOneAlertWithItsDetails() throws {
        var s = try started()
        try s.apply(ev(.log(.init(level: .error, message: "Traceback (most recent call last):", phase: "fetch"))), now: 108)
        try s.apply(ev(.log(.init(level: .error, message: "ValueError: bad row 7", phase: "fetch"))), now: 109)
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .failed, error: "HTTP 503"))), now: 110)
        try s.apply(ev(.jobEnd(.init(status: .failed, error: "fetch failed"))), now: 111)
        let listed = s.alerts.sorted
        #expect(listed.map(\.id) == ["j1/-/job-failed#1"])
        #expect(s.alerts.unacknowledged == 1)
        let failure = try #require(listed.first)
        #expect(failure.severity == .critical && failure.message == "job import failed: fetch failed")
        #expect(failure.details == ["error in fetch: Traceback (most recent call last):", "error in fetch: ValueError: bad row 7",
                                    "phase fetch failed: HTTP 503"], "\(failure.details ?? [])")
        // The folded alerts are resolved (a notifier that sent "firing" sends "resolved").
        #expect(s.alerts.all.filter { $0.foldedInto == failure.id }.allSatisfy { !$0.isOpen })
        // Error lines that come after the failure (a traceback's tail) join it too.
        try s.apply(ev(.log(.init(level: .error, message: "  File \"x.py\", line 3"))), now: 112)
        #expect(s.alerts.sorted.count == 1)
        #expect(s.alerts.sorted.first?.details?.last == "error:   File \"x.py\", line 3")
    }

    @Test func repeatedErrorsAreOneAlertWithACount() throws {
        var s = try started()
        for k in 0..<3 { try s.apply(ev(.log(.init(level: .error, message: "timeout \(k)", phase: "fetch"))), now: 100 + Double(k)) }
        try s.apply(ev(.log(.init(level: .warn, message: "just a warning"))), now: 104)
        #expect(s.alerts.all.count == 1)
        let a = try #require(s.alerts.all.first)
        #expect(a.count == 3)
        #expect(a.firstAt == 100 && a.lastAt == 102)
        #expect(a.message == "timeout 2")
    }

    @Test func acknowledgementRecordsWhoAndWhenAndKeepsTheAlert() throws {
        var s = try started()
        try s.apply(ev(.alert(.init(severity: .warning, message: "quota at 90%", name: "quota"))), now: 100)
        let id = try #require(s.alerts.all.first?.id)
        try s.apply(ev(.ack(.init(alert: id, by: "ana@h", comment: "fine"))), now: 105)
        try s.apply(ev(.ack(.init(alert: id, by: "bob@h"))), now: 106)
        let a = try #require(s.alerts[id])
        #expect(a.ack == Alert.Ack(by: "ana@h", at: 105, comment: "fine"))
        #expect(a.isOpen && !a.needsAttention)
        #expect(s.alerts.unacknowledged == 0)
        #expect(throws: ApplyError.self) { try s.apply(ev(.ack(.init(alert: "nope#1", by: "x"))), now: 107) }
    }

    @Test func resolvingAndRecurringMakesANewAlert() throws {
        var s = try started()
        try s.apply(ev(.alert(.init(message: "quota", name: "q"))), now: 100)
        try s.apply(ev(.alert(.init(message: "quota", name: "q", resolved: true))), now: 101)
        try s.apply(ev(.alert(.init(message: "quota again", name: "q"))), now: 102)
        #expect(s.alerts.all.map(\.id) == ["j1/-/event:q#1", "j1/-/event:q#2"])
        #expect(s.alerts.all[0].resolvedAt == 101)
        #expect(s.alerts.sorted.first?.id == "j1/-/event:q#2")
    }

    @Test func retryingAPhaseOrStartingANewRunResolves() throws {
        var s = try started()
        try s.apply(ev(.phaseEnd(.init(phase: "fetch", status: .failed))), now: 101)
        try s.apply(ev(.phaseStart(.init(phase: "fetch"))), now: 102)
        #expect(s.alerts.all.first?.resolvedAt == 102)
        try s.apply(ev(.log(.init(level: .error, message: "x"))), now: 103)
        try s.apply(ev(.jobEnd(.init(status: .failed))), now: 104)
        #expect(s.alerts.unacknowledged == 1)  // the failure, with the error line inside
        try s.apply(ev(.jobStart(.init(name: "import"))), now: 200)
        #expect(s.alerts.unacknowledged == 0)
        #expect(s.alerts.all.allSatisfy { !$0.isOpen })
    }

    @Test func sortingPutsOpenUnacknowledgedSevereNewFirst() {
        var book = AlertBook()
        book.raise(job: "a", phase: nil, kind: "k1", severity: .info, message: "", at: 10)
        book.raise(job: "a", phase: nil, kind: "k2", severity: .critical, message: "", at: 5)
        book.raise(job: "a", phase: nil, kind: "k3", severity: .critical, message: "", at: 8)
        book.raise(job: "a", phase: nil, kind: "k4", severity: .critical, message: "", at: 9)
        _ = book.acknowledge(id: "a/-/k4#1", by: "x", comment: nil, at: 11)
        book.resolve(job: "a", kind: "k1", at: 12)
        #expect(book.sorted.map(\.kind) == ["k3", "k2", "k4", "k1"])
    }
}

@Suite("History and bounds")
struct HistoryTests {
    @Test func finishedRunsAreKeptPerPipelineWithPhaseDurations() throws {
        var s = PipelineState()
        for run in 0..<3 {
            let t = Double(run * 1000)
            try s.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "a"), .init(id: "b")]))), now: t)
            try s.apply(Event(job: "j", .phaseStart(.init(phase: "a"))), now: t)
            try s.apply(Event(job: "j", .phaseEnd(.init(phase: "a"))), now: t + Double(10 * (run + 1)))
            try s.apply(Event(job: "j", .jobEnd(.init(status: run == 2 ? .failed : .completed))), now: t + 100)
        }
        let runs = try #require(s.history["import"])
        #expect(runs.map(\.run) == [1, 2, 3])
        #expect(runs.map(\.status) == [.completed, .completed, .failed])
        #expect(runs[1].phases.first?.duration == 20)
        // Only completed runs count for the comparison.
        #expect(s.pastDurations(pipeline: "import", phase: "a") == [10, 20])
        #expect(percentile([10, 20, 30, 40], 50) == 20)
        #expect(percentile([10, 20, 30, 40], 95) == 40)
        #expect(percentile([], 50) == nil)
    }

    @Test func aPipelineLabelGroupsRunsOfDifferentNames() throws {
        var s = PipelineState()
        try s.apply(Event(job: "x", .jobStart(.init(name: "import 2026-11-22", labels: ["pipeline": "import"]))), now: 0)
        try s.apply(Event(job: "x", .jobEnd(.init(status: .completed))), now: 5)
        #expect(s.history["import"]?.count == 1)
    }

    @Test func phasesPerJobAreBounded() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        for i in 0..<PipelineState.maxPhases { try s.apply(Event(job: "j", .phaseStart(.init(phase: "p\(i)"))), now: 1) }
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "j", .phaseStart(.init(phase: "one-too-many"))), now: 2) }
    }

    @Test func alertsAreBoundedAndFoldIntoOne() throws {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j"))), now: 0)
        for i in 0..<(AlertBook.maxAlerts + 50) {
            try s.apply(Event(job: "j", .alert(.init(message: "cause \(i)"))), now: Double(i))
        }
        #expect(s.alerts.all.count <= AlertBook.maxAlerts + 1)  // the fold-in alert itself
        let overflow = try #require(s.alerts.all.first { $0.kind == "overflow" })
        #expect(overflow.count >= 50)
        #expect(overflow.job == "j")
    }
}
