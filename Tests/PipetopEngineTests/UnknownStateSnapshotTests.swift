import Foundation
import GRDB
import Testing
@testable import PipetopCore
@testable import PipetopStore

/// A database written by a newer engine may hold states this one does not know: its snapshot
/// still loads (they read unknown) instead of the engine refusing to start.
@Suite("Snapshots with states from a newer engine", .serialized)
struct UnknownStateSnapshotTests {
    @Test func aSnapshotWithAnUnknownStateLoadsAndReadsUnknown() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = PipelineState()
        try s.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "fetch")]))), now: 100)
        try s.apply(Event(job: "j", .step(.init(phase: "fetch", step: "page 1", state: .running))), now: 101)
        try s.apply(Event(job: "j", .jobEnd(.init(status: .canceled))), now: 102)
        do {
            let store = try Store(path: path)
            try store.saveSnapshot(s, through: 0, at: 102)
        }
        // As a newer engine would write it: every canceled (job, phase, step) a word unknown here.
        let q = try DatabaseQueue(path: path)
        try q.write { db in
            let data: Data = try #require(try Data.fetchOne(db, sql: "SELECT state FROM snapshot"))
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains(#""state":"canceled""#))
            let newer = text.replacingOccurrences(of: #""state":"canceled""#, with: #""state":"hibernated""#)
            try db.execute(sql: "UPDATE snapshot SET state = ?", arguments: [Data(newer.utf8)])
        }
        try q.close()
        let (state, _) = try Store(path: path).restoreState()
        let job = try #require(state[job: "j"])
        #expect(job.state == .unknown)
        #expect(job.phase("fetch")?.state == .unknown)
        #expect(job.phase("fetch")?.steps["page 1"]?.state == .unknown)
        #expect(job.phase("fetch")?.steps["page 1"]?.detail == "still running when the job canceled")
    }
}
