import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopStore
@testable import PipetopWire
import GRDB

func tempDB() -> (dir: String, path: String) {
    let dir = NSTemporaryDirectory() + "pt-db-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return (dir, dir + "/p.db")
}

@Suite("History in SQLite", .serialized)
struct StoreTests {
    @Test func aRestartedEngineHasTheSameState() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(1_000)
        var first = try Engine(clock: clock, store: try Store(path: path))
        first.apply(Event(job: "j", .jobStart(.init(name: "import", phases: [.init(id: "a"), .init(id: "b")]))))
        clock.advance(by: 5)
        first.apply(Event(job: "j", .progress(.init(phase: "a", done: 40, total: 100))))
        first.apply(Event(job: "j", .checkpoint(.init(name: "page-40", data: .object([("cursor", .string("x"))])))))
        first.apply(Event(job: "j", .log(.init(level: .error, message: "boom"))))
        let before = first.snapshot().state
        first.close()
        first = try Engine(clock: clock, store: try Store(path: path))
        defer { first.close() }
        let after = first.snapshot().state
        #expect(after == before)
        #expect(after[job: "j"]?.phase("a")?.startedAt == 1_005)  // engine time kept, not replay time
        #expect(try Store(path: path).integrityCheck() == "ok")
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
    }

    @Test func snapshotsCompactTheJournalAndRestoreTheSame() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: path)
        let e = try Engine(store: store, snapshotEvery: 0.1)
        e.apply(Event(job: "j", .jobStart(.init(name: "n", phases: [.init(id: "a")]))))
        for k in 1...500 { e.apply(Event(job: "j", .progress(.init(phase: "a", done: k)))) }
        Thread.sleep(forTimeInterval: 0.4)  // at least one snapshot
        e.apply(Event(job: "j", .progress(.init(phase: "a", done: 501))))
        let before = e.snapshot().state
        e.close()
        #expect(try store.load().entries.count < 10, "a restart should replay only what came after the snapshot")
        // The journal stays for export until retention prunes it (the 501 counts merged in it:
        // the first, which started the phase, and the newest of each batch).
        let rows = try store.entries(job: "j")
        #expect(rows.first?.line.contains("job.start") == true && rows.count >= 3, "\(rows.count) rows")
        #expect(rows.last?.line.contains(#""done":501"#) == true, "\(rows.last?.line ?? "none")")
        let again = try Engine(store: try Store(path: path))
        defer { again.close() }
        #expect(again.snapshot().state[job: "j"]?.phase("a")?.done == 501)
        #expect(again.snapshot().state.jobs.keys.sorted() == before.jobs.keys.sorted())
    }

    @Test func anIdleEngineWritesNoSnapshots() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let e = try Engine(store: try Store(path: path), snapshotEvery: 0.05)
        defer { e.close() }
        let journal = try #require(e.journal)
        func wait(_ what: String, _ ok: () -> Bool) throws {
            let deadline = Date().addingTimeInterval(10)
            while !ok() { guard Date() < deadline else { throw StoreTestError(what) }; usleep(5_000) }
        }
        e.apply(Event(job: "j", .jobStart(.init(name: "n", phases: [.init(id: "a")]))))
        e.apply(Event(job: "j", .checkpoint(.init(name: "big", data: .string(String(repeating: "x", count: 60_000))))))
        try wait("a first snapshot") { journal.snapshotsWritten.load(ordering: .relaxed) >= 1 }
        let written = journal.snapshotsWritten.load(ordering: .relaxed)
        // Idle: the writer looks many times and writes nothing.
        let looked = journal.snapshotsConsidered.load(ordering: .relaxed)
        try wait("the writer to look again") { journal.snapshotsConsidered.load(ordering: .relaxed) >= looked + 10 }
        #expect(journal.snapshotsWritten.load(ordering: .relaxed) == written)
        // A new event: a new snapshot.
        e.apply(Event(job: "j", .progress(.init(phase: "a", done: 1))))
        try wait("a snapshot after the event") { journal.snapshotsWritten.load(ordering: .relaxed) == written + 1 }
    }

    @Test func aJobWhoseProcessDiedWhileNoEngineRanIsEnded() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        var e = try Engine(store: try Store(path: path))
        e.apply(Event(job: "dead", .jobStart(.init(name: "d", pid: gone.processIdentifier))))
        e.apply(Event(job: "alive", .jobStart(.init(name: "a", pid: getpid()))))
        e.close()
        e = try Engine(store: try Store(path: path))
        defer { e.close() }
        let s = e.snapshot().state
        #expect(s[job: "dead"]?.state == .failed)
        #expect(s[job: "dead"]?.error?.hasPrefix("its process (pid \(gone.processIdentifier)) was gone when the engine started at ") == true,
                "\(s[job: "dead"]?.error ?? "-")")
        #expect(s[job: "dead"]?.error?.contains("and no job.end came; last report ") == true)
        #expect(s[job: "dead"]?.verdict != nil, "the engine's own verdict is marked provisional")
        #expect(s[job: "alive"]?.state == .running)
    }

    @Test func retentionPrunesOldEventsButNeverWhatARestartNeeds() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: path)
        try store.append((1...100).map { Store.Entry(seq: Int64($0), at: Double($0), job: "j", line: #"{"type":"job.start","job":"j"}"#) })
        try store.saveSnapshot(PipelineState(), through: 60, at: 60)
        #expect(try store.prune(before: 80, maxBytes: nil) == 60)   // 1...60: old and covered
        #expect(try store.eventCount() == 40)                       // 61...79 are old but needed
        #expect(try store.prune(before: 1_000, maxBytes: 1) == 0)   // nothing covered is left
        #expect(try store.load().entries.count == 40)
    }

    @Test func aFileOfTheFirstSchemaIsMigratedWithItsData() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Build a v1 file by hand, as the first release wrote it.
        let old = try DatabaseQueue(path: path)
        try Store.migrator(upTo: "v1").migrate(old)
        try old.write { db in
            try db.execute(sql: "INSERT INTO event (seq, at, job, line) VALUES (1, 5, 'j', ?)", arguments: [#"{"type":"job.start","job":"j"}"#])
            try db.execute(sql: "INSERT INTO event (seq, at, job, line) VALUES (2, 6, 'j', ?)", arguments: [#"{"type":"progress","job":"j","phase":"a","done":3}"#])
        }
        try old.close()
        let store = try Store(path: path)
        #expect(try store.eventCount() == 2)
        #expect(try store.restoreState().state[job: "j"]?.phase("a")?.done == 3)
        let types = try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT type FROM event ORDER BY seq") }
        #expect(types == ["job.start", "progress"])
    }

    @Test func oldProgressIsThinnedToOnePerPhaseAndMinute() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: path)
        var entries = [Store.Entry(seq: 1, at: 0, job: "j", line: #"{"type":"job.start","job":"j"}"#)]
        for k in 1...600 {  // ten minutes of updates, two hours ago
            entries.append(Store.Entry(seq: Int64(k + 1), at: Double(k), job: "j", line: #"{"type":"progress","job":"j","phase":"a","done":\#(k)}"#))
        }
        entries.append(Store.Entry(seq: 602, at: 7_800, job: "j", line: #"{"type":"log","job":"j","message":"now"}"#))
        try store.append(entries)
        try store.saveSnapshot(PipelineState(), through: 602, at: 7_800)
        try store.prune(before: 0, maxBytes: nil)
        #expect(try store.eventCount() == 1 + 11 + 1)  // start, one per minute (0-59, 60-119, ..., 600), the log
        let last = try store.entries(job: "j").dropLast().last?.line
        #expect(last?.contains("\"done\":600") == true)
    }

    @Test func syncWaitsForTheDiskAndResumeAnswersOverTheSocket() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/s.sock"
        let server = EngineServer(engine: try Engine(store: try Store(path: path)), socketPath: sock, threads: 1)
        try server.start()
        let c = try EngineConnection(path: sock)
        try c.send(#"{"type":"job.start","job":"j"}"# + "\n" + #"{"type":"checkpoint","job":"j","name":"c1","data":{"page":7}}"# + "\n")
        #expect(try c.sync().isEmpty)
        // Synced means on disk: a second reader of the file sees the lines now.
        #expect(try Store(path: path).restoreState().state[job: "j"]?.checkpoints.last?.name == "c1")
        try c.send(#"{"type":"resume","job":"j"}"# + "\n")
        let answer = try #require(try c.readLine(timeout: 5))
        let v = try JSONParser.parse(answer)
        #expect(v["checkpoint"]?["data"] == .object([("page", .int(7))]))
        #expect(v["state"] == .string("running"))
        server.stop()
    }
}

struct StoreTestError: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "waited 10 s for \(what)" }
}
