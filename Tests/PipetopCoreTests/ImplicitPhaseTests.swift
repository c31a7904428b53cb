import Testing
@testable import PipetopCore

/// The phase `pipetop run` starts a plain command in gives way to the job's own phases.
@Suite("Reducer: the implicit phase")
struct ImplicitPhaseTests {
    func runJob() throws -> PipelineState {
        var s = try started([])
        try s.apply(ev(.phaseStart(.init(phase: "run", implicit: true))), now: 100)
        return s
    }

    @Test func anEmptyImplicitPhaseGivesWayToTheJobsOwn() throws {
        var s = try runJob()
        #expect(s[job: "j1"]?.phases.map(\.id) == ["run"])
        try s.apply(ev(.jobStart(.init(name: "import", phases: [.init(id: "read"), .init(id: "write")]))), now: 101)
        try s.apply(ev(.phaseStart(.init(phase: "read"))), now: 101)
        #expect(s[job: "j1"]?.phases.map(\.id) == ["read", "write"])
        try s.apply(ev(.jobEnd(.init(status: .completed))), now: 102)
        #expect(s[job: "j1"]?.phases.map(\.id) == ["read", "write"])
    }

    @Test(arguments: ["progress", "step"])
    func workInAnotherPhaseRemovesItToo(_ kind: String) throws {
        var s = try runJob()
        try s.apply(ev(kind == "progress" ? .progress(.init(phase: "p", done: 1)) : .step(.init(phase: "p", step: "s", state: .running))), now: 101)
        #expect(s[job: "j1"]?.phases.map(\.id) == ["p"])
    }

    @Test func anImplicitPhaseWithCountsStays() throws {
        var s = try runJob()
        try s.apply(ev(.progress(.init(phase: "run", done: 3, total: 10))), now: 101)
        try s.apply(ev(.phaseStart(.init(phase: "other"))), now: 102)
        #expect(s[job: "j1"]?.phases.map(\.id) == ["run", "other"])
        #expect(s[job: "j1"]?.phase("run")?.implicit == nil)
    }

    @Test func anOrdinaryPhaseIsNeverRemoved() throws {
        var s = try started([])
        try s.apply(ev(.phaseStart(.init(phase: "run"))), now: 100)
        try s.apply(ev(.phaseStart(.init(phase: "other"))), now: 101)
        #expect(s[job: "j1"]?.phases.map(\.id) == ["run", "other"])
    }
}
