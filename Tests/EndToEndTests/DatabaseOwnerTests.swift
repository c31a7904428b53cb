import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopStore

/// One engine owns a database: a second writer used to break the first's journal for good
/// (both numbered rows; every later commit failed on `UNIQUE constraint failed: event.seq`).
@Suite("One engine per database", .serialized)
struct DatabaseOwnerTests {
    func daemon(_ sock: String, db: String) throws -> Process {
        try startDaemon(sock, ["--sample-interval", "0", "--db", db])
    }

    /// Runs `pipetop ARGS` that must stop by itself: a daemon that wrongly starts is stopped
    /// after 10 s and reported as running (status nil), so a broken refusal fails, never hangs.
    func refused(_ args: [String]) throws -> (status: Int32?, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        let stillRunning = p.isRunning
        if stillRunning { p.terminate() }
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (stillRunning ? nil : p.terminationStatus, text)
    }

    @Test func aSecondEngineOnTheSameDatabaseIsRefusedNamingTheOwner() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/shared.db"
        let first = try daemon(dir + "/a.sock", db: db)
        defer { first.terminate(); first.waitUntilExit() }
        // As when XDG_RUNTIME_DIR differs between a systemd session and cron: another socket.
        let second = try refused(["daemon", "--socket", dir + "/b.sock", "--db", db, "--sample-interval", "0"])
        #expect(second.status != nil && second.status != 0, "a second engine started on the same database")
        #expect(second.err.contains("the database \(db) belongs to a pipetop engine (pid \(first.processIdentifier), socket \(dir)/a.sock)"), "\(second.err)")
        // The owner goes on journaling: its syncs are answered.
        let c = try EngineConnection(path: dir + "/a.sock")
        defer { c.close() }
        #expect(try send(c, [#"{"type":"job.start","job":"after","name":"after"}"#]).isEmpty)
        #expect(try Store(path: db).entries(job: "after").count == 1)
    }

    @Test func anEngineRefusedForItsSocketWritesNothing() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/live.db", other = dir + "/other.db"
        let sock = dir + "/a.sock"
        let live = try daemon(sock, db: db)
        defer { live.terminate(); live.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        // A job whose process is gone: an engine starting on a database holding it would end it.
        #expect(try send(c, [#"{"type":"job.start","job":"ghost","name":"ghost","pid":2147483000}"#]).isEmpty)
        let before = try Store(path: db).eventCount()
        let again = try refused(["daemon", "--socket", sock, "--db", db, "--sample-interval", "0"])
        #expect(again.status != nil && again.status != 0 && again.err.contains("already listening on \(sock)"), "\(again.err)")
        let elsewhere = try refused(["daemon", "--socket", sock, "--db", other, "--sample-interval", "0"])
        #expect(elsewhere.status != nil && elsewhere.status != 0 && elsewhere.err.contains("already listening"), "\(elsewhere.err)")
        #expect(try Store(path: db).eventCount() == before)
        #expect(!FileManager.default.fileExists(atPath: other), "a refused engine created its database")
    }

    @Test func replayIntoALiveEnginesDatabaseGoesThroughTheEngine() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/live.db", sock = dir + "/a.sock"
        let live = try daemon(sock, db: db)
        defer { live.terminate(); live.waitUntilExit() }
        let file = dir + "/run.jsonl"
        try """
            {"type":"job.start","job":"old","name":"old run","ts":1700000000}
            {"type":"job.end","job":"old","status":"completed","ts":1700000060}

            """.write(toFile: file, atomically: false, encoding: .utf8)
        let r = try runPipetop(["replay", file, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.contains("sending the events to it"), "\(r.err)")
        // The live engine applied them and still journals what comes after.
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        #expect(try send(c, [#"{"type":"job.start","job":"later","name":"later"}"#]).isEmpty)
        let state = try engineState(sock) { $0[job: "old"]?.state == .completed }
        #expect(state?[job: "old"]?.state == .completed)
        #expect(try Store(path: db).entries(job: "later").count == 1)
        // An ETA trace needs the events applied here: refused with the owner's name.
        let traced = try runPipetop(["replay", file, "--db", db, "--eta-trace", dir + "/t.jsonl"])
        #expect(traced.status != 0 && traced.err.contains("belongs to a pipetop engine (pid \(live.processIdentifier)"), "\(traced.err)")
    }
}
