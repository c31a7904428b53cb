import Foundation
import Testing
@testable import PipetopClient

/// The commands that only read (report, history, alerts, resume, export) read a database they
/// cannot write: on a read-only mount (root ignores file modes, so a tmpfs remounted `ro` is
/// the real thing), in WAL mode with a write-ahead log beside it. (An older schema:
/// PipetopEngineTests' ReadOnlyStoreTests.)
@Suite("Read-only databases", .serialized, .enabled(if: ReadOnlyMount.permitted, "mounting a tmpfs needs root (CAP_SYS_ADMIN): skipped"))
struct ReadOnlyDatabaseTests {
    /// A database written by a real engine: job `j` with a checkpoint, then (after `sync`)
    /// job `late`; the engine is stopped with SIGTERM, or killed (its -wal then holds `late`).
    func makeDatabase(in dir: String, kill9: Bool) throws -> String {
        let sock = dir + "/d.sock", db = dir + "/p.db"
        let pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"], log: dir + "/log")
        #expect(waitForEngine(sock))
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"nightly"}"#,
                             #"{"type":"checkpoint","job":"j","name":"c1","data":{"offset":42}}"#,
                             #"{"type":"job.end","job":"j","status":"completed"}"#]).isEmpty)
        #expect(try send(c, [#"{"type":"job.start","job":"late","name":"late"}"#]).isEmpty)
        c.close()
        if kill9 {
            kill(pid, SIGKILL)
            var st: Int32 = 0
            waitpid(pid, &st, 0)
        } else {
            stopChild(pid)
        }
        return db
    }

    func readEverything(_ db: String) throws {
        let report = try runPipetop(["report", "--db", db])
        #expect(report.status == 0 && report.out.contains("nightly"), "\(report.err)")
        let history = try runPipetop(["history", "--db", db])
        #expect(history.status == 0, "\(history.err)")
        let alerts = try runPipetop(["alerts", "--db", db])
        #expect(alerts.status == 0, "\(alerts.err)")
        let resume = try runPipetop(["resume", "j", "--db", db, "--socket", "/nonexistent/x.sock"])
        #expect(resume.status == 0 && resume.out.contains("42"), "\(resume.out) \(resume.err)")
        let export = try runPipetop(["export", "j", "--db", db])
        #expect(export.status == 0 && export.out.contains(#""checkpoint""#), "\(export.err)")
    }

    @Test func readingCommandsWorkOnAReadOnlyMount() throws {
        let work = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let db = try makeDatabase(in: work, kill9: false)
        // The directory as the engine left it (a stopped engine may leave its -wal and -shm).
        let files = [db, db + "-wal", db + "-shm"].filter { FileManager.default.fileExists(atPath: $0) }
        let mount = try ReadOnlyMount(files: files)
        defer { mount.remove() }
        try readEverything(mount.path(of: db))
        #expect(try runPipetop(["report", "--db", mount.path(of: db)]).out.contains("late"))
    }

    @Test func aPendingWriteAheadLogIsReadWhenItsIndexIsThereAndRefusedInASentenceWhenNot() throws {
        let work = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let db = try makeDatabase(in: work, kill9: true)
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        try #require(wal > 0, "kill -9 left no write-ahead log")
        // With its -shm: SQLite reads the log read-only; `late` is only there.
        let whole = try ReadOnlyMount(files: [db, db + "-wal", db + "-shm"])
        defer { whole.remove() }
        try readEverything(whole.path(of: db))
        #expect(try runPipetop(["report", "--db", whole.path(of: db)]).out.contains("late"))
        // Without it, SQLite cannot read the log without writing: refused, naming the file and why.
        let partial = try ReadOnlyMount(files: [db, db + "-wal"])
        defer { partial.remove() }
        let r = try runPipetop(["report", "--db", partial.path(of: db)])
        #expect(r.status != 0)
        #expect(r.err.contains(partial.path(of: db)) && r.err.contains("write-ahead log") && !r.err.contains("readonly database"), "\(r.err)")
    }
}
