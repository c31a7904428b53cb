import Foundation
import Testing
@testable import PipetopCore

/// Warnings and error categories counted, artifacts listed: what a person reads in the job
/// screen's title and `pipetop report` instead of scrolling the log.
@Suite("Log tally and artifacts")
struct ArtifactAndTallyTests {
    func job() throws -> PipelineState {
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "load")]))), now: 0)
        return s
    }

    func log(_ s: inout PipelineState, _ level: LogLevel, _ category: String?) throws {
        try s.apply(Event(job: "j", .log(.init(level: level, message: "m", phase: "load", category: category))), now: 1)
    }

    @Test func warningsAndCategoriesAreCountedAndWorded() throws {
        var s = try job()
        for _ in 0..<9 { try log(&s, .warn, "http") }
        for _ in 0..<3 { try log(&s, .error, "parse") }
        try log(&s, .warn, nil)
        try log(&s, .info, "http")  // info lines are not trouble
        let j = try #require(s.jobs["j"])
        #expect(j.errorCount == 3 && j.tally?.warnings == 10 && j.tally?.categories == ["http": 9, "parse": 3])
        let board = BoardProjector.board(s, now: 2)
        #expect(LogTallyText.line(errors: board.jobs[0].errorCount, tally: board.jobs[0].tally) == "3 errors, 10 warnings (http 9, parse 3)")
        #expect(LogTallyText.line(errors: 0, tally: nil) == nil)
    }

    @Test func categoriesAreBoundedAndTheRestCountAsOther() throws {
        var s = try job()
        for i in 0..<(LogTally.maxCategories + 5) { try log(&s, .error, "c\(i)") }
        let cats = try #require(s.jobs["j"]?.tally?.categories)
        #expect(cats.count == LogTally.maxCategories + 1 && cats[LogTally.otherCategory] == 5)
    }

    @Test func artifactsAreListedOnceByNameAndPhaseAndBounded() throws {
        var s = try job()
        try s.apply(Event(job: "j", .artifact(.init(name: "out.parquet", location: "/data/out.parquet", size: 10, phase: "load"))), now: 1)
        try s.apply(Event(job: "j", .artifact(.init(name: "out.parquet", size: 20, phase: "load"))), now: 2)
        try s.apply(Event(job: "j", .jobEnd(.init(status: .completed))), now: 3)
        // Outputs may be told at the very end.
        try s.apply(Event(job: "j", .artifact(.init(name: "QC", location: "https://example.com/qc.html"))), now: 4)
        let list = try #require(s.jobs["j"]?.artifacts)
        #expect(list.count == 2)
        #expect(list[0] == ArtifactRecord(name: "out.parquet", location: "/data/out.parquet", size: 20, phase: "load", at: 2))
        #expect(BoardProjector.board(s, now: 5).jobs[0].artifacts?.count == 2)
        for i in 2..<Job.maxArtifacts { try s.apply(Event(job: "j", .artifact(.init(name: "a\(i)"))), now: 5) }
        #expect(throws: ApplyError.self) { try s.apply(Event(job: "j", .artifact(.init(name: "one too many"))), now: 6) }
    }
}
