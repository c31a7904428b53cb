import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopStore
import GRDB

/// The estimator's and rules' tables live beside the jobs; a restart must bring them back
/// (else the ETA and the rates start from nothing), and snapshots written when they sat
/// inside each job must still load.
@Suite("Engine tables in snapshots", .serialized)
struct SnapshotTablesTests {
    /// A pipeline with one finished run and a second one under way, in an engine with a database.
    func busyEngine(_ path: String, clock: ManualClock) throws -> Engine {
        let e = try Engine(clock: clock, store: try Store(path: path))
        for run in 1...2 {
            let job = "import-\(run)"
            e.apply(Event(job: job, .jobStart(.init(name: "import", phases: [.init(id: "extract"), .init(id: "load")]))))
            e.apply(Event(job: job, .phaseStart(.init(phase: "extract", total: 200))))
            for k in 1...20 {
                clock.advance(by: 1)
                e.apply(Event(job: job, .progress(.init(phase: "extract", done: k * 10, failed: k / 4))))
                e.tick()
            }
            e.apply(Event(job: job, .phaseEnd(.init(phase: "extract", status: .done))))
            e.apply(Event(job: job, .log(.init(level: .error, message: "row 17: bad date", phase: "load"))))
            e.apply(Event(job: job, .phaseStart(.init(phase: "load", total: 100))))
            for k in 1...(run == 1 ? 20 : 8) {
                clock.advance(by: 1)
                e.apply(Event(job: job, .progress(.init(phase: "load", done: k * 5))))
                e.tick()
            }
            if run == 1 { e.apply(Event(job: job, .jobEnd(.init(status: .completed)))) }
        }
        return e
    }

    @Test func aRestartShowsTheSameETAAndRates() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(1_000)
        let first = try busyEngine(path, clock: clock)
        let before = first.snapshot().state
        first.close()
        let again = try Engine(clock: clock, store: try Store(path: path))
        defer { again.close() }
        let after = again.snapshot().state
        #expect(after.estimates == before.estimates)
        // What a person sees, now and a little later: the same ETA, rate, peak and sparkline.
        for at in [clock.now(), clock.now() + 3] {
            let b = try #require(BoardProjector.board(before, now: at, options: .everything)[job: "import-2"])
            let a = try #require(BoardProjector.board(after, now: at, options: .everything)[job: "import-2"])
            let eta = try #require(b.eta)
            #expect(a.eta == eta)
            let load = try #require(b.phase("load"))
            #expect(load.rate != nil && load.peakRate != nil && load.finishAt != nil)
            #expect(a.phase("load") == load)
            #expect(a == b)
        }
    }

    /// `Fixtures/snapshot-before-tables.json`: a snapshot the engine wrote before the tables
    /// (commit a1a5d43, `pipetop daemon --db`, then SIGTERM): `eta` and `errorTrail` in each
    /// job, `rate` and `curve` in each phase.
    static func oldSnapshot() throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/snapshot-before-tables.json"))
    }

    /// A value of the old snapshot, decoded as `T` (the old shape's own bytes).
    static func old<T: Decodable>(_ type: T.Type, _ path: [Any]) throws -> T? {
        var v: Any = try JSONSerialization.jsonObject(with: oldSnapshot())
        for key in path {
            if let k = key as? String, let o = v as? [String: Any], let next = o[k] { v = next }
            else if let i = key as? Int, let a = v as? [Any], i < a.count { v = a[i] }
            else { return nil }
        }
        return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed]))
    }

    @Test func aSnapshotWrittenBeforeTheTablesLoadsIntoThem() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Stored as the old engine stored it, then restored by today's.
        _ = try Store(path: path)
        let q = try DatabaseQueue(path: path)
        try q.write { db in try db.execute(sql: "INSERT INTO snapshot (through, at, state) VALUES (0, 0, ?)", arguments: [try Self.oldSnapshot()]) }
        try q.close()
        let state = try Store(path: path).restoreState().state
        let est = state.estimates[job: "nightly-2"]
        let eta = try #require(est.eta)
        #expect(eta == (try Self.old(ETATrack.self, ["jobs", "nightly-2", "eta"])))
        #expect(eta.shown != nil)
        let job = try #require(state[job: "nightly-2"])
        for (i, p) in job.phases.enumerated() {
            let rate = try #require(try Self.old(RateWindow.self, ["jobs", "nightly-2", "phases", i, "rate"]))
            #expect(est.rate(p.id) == rate)
            #expect(est.phase(p.id)?.curve == (try Self.old([Double].self, ["jobs", "nightly-2", "phases", i, "curve"])))
        }
        #expect(est.rate("load").samples.count > 2)
        #expect(est.errorTrail == (try Self.old(ErrorTrail.self, ["jobs", "nightly-2", "errorTrail"])))
        #expect(est.errorTrail?.marks.isEmpty == false)
        // The Board has the figures the old engine had: its shown ETA and the load's rate.
        let shown = try #require(eta.shown)
        let board = try #require(BoardProjector.board(state, now: shown.at + (job.clockSkew ?? 0), options: .everything)[job: "nightly-2"])
        #expect(board.eta?.remaining == BoardRounding.time(shown.remaining))
        #expect(board.phase("load")?.peakRate != nil)
        // Written again, it is in the new shape and reads back the same.
        let again = try JSONDecoder().decode(PipelineState.self, from: JSONEncoder().encode(state))
        #expect(again == state)
    }
}
