import Foundation
import Testing
@testable import PipetopClient
import PipetopCore
import PipetopSpool

/// The engine is stopped (SIGTERM) while its database's disk is full: the events it applied
/// but could not save go to its socket's spool (another filesystem), its log says so, and the
/// next engine applies them: a job that completed stays completed, not "running", then failed
/// because its process was gone when that engine started.
@Suite("Stop while the disk is full", .enabled(if: SmallDisk.canMount, "mounting a tmpfs is not permitted here (needs root): skipped"))
struct StopWhileDiskFullTests {
    @Test func eventsNotSavedAtStopGoToTheSpoolAndTheNextEngineAppliesThem() throws {
        let disk = try SmallDisk(megabytes: 2)
        let sock = disk.dir + "/e.sock", db = disk.path + "/pipetop.db"
        let args = [pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"]
        // A process that is gone by the restart, as the job's own was in the report.
        let gone = try runProcess("/bin/sh", ["-c", "echo $$"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        var pid = try spawnServer(args, log: disk.dir + "/first.log")
        defer { stopChild(pid) }
        #expect(waitForEngine(sock))
        let conn = try EngineConnection(path: sock)
        #expect(try send(conn, [#"{"type":"job.start","job":"j","phases":["a"],"pid":\#(gone)}"#,
                                #"{"type":"progress","job":"j","phase":"a","done":10,"total":100}"#]).isEmpty)
        disk.fill()
        try conn.send([#"{"type":"progress","job":"j","phase":"a","done":100,"total":100}"#,
                       #"{"type":"phase.end","job":"j","phase":"a","status":"done"}"#,
                       #"{"type":"job.end","job":"j","status":"completed"}"#].map { $0 + "\n" }.joined())
        var unsaved: ClientError?
        do { _ = try conn.sync(timeout: 30) } catch let e as ClientError { unsaved = e }
        #expect(unsaved?.unsaved == true, "the events after the fill were saved: \(String(describing: unsaved))")
        conn.close()
        #expect(try engineState(sock) { $0[job: "j"]?.state == .completed }?[job: "j"]?.state == .completed)

        stopChild(pid)
        let log = (try? String(contentsOfFile: disk.dir + "/first.log", encoding: .utf8)) ?? ""
        let spool = Spool(socket: sock)
        #expect(log.contains("could not be saved before the engine stopped") && log.contains("they are kept in the spool \(spool.directory)"), "\(log)")
        let spooled = ((try? String(contentsOfFile: spool.directory + "/" + Spool.fileName, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(spooled.last?.contains(#""type":"job.end""#) == true && spooled.allSatisfy { $0.contains(#""ts":"#) }, "\(spooled)")

        disk.free()
        pid = try spawnServer(args, log: disk.dir + "/second.log")
        #expect(waitForEngine(sock))
        let s = try #require(try engineState(sock) { $0[job: "j"]?.state.isTerminal == true })
        let job = try #require(s[job: "j"])
        #expect(job.state == .completed && job.error == nil, "\(job.state) \(String(describing: job.error))")
        #expect(job.phase("a")?.done == 100 && job.phase("a")?.state == .done, "\(String(describing: job.phase("a")))")
    }

    /// The spool cannot be written either (its directory's place is taken by a file): the
    /// stop says the events are lost and why, rather than that they were kept.
    @Test func aSpoolThatCannotBeWrittenIsSaidAtStop() throws {
        let disk = try SmallDisk(megabytes: 2)
        let sock = disk.dir + "/e.sock", db = disk.path + "/pipetop.db", logPath = disk.dir + "/first.log"
        _ = pipetopBinary  // the harness's private spool (XDG_STATE_HOME), as the engine's
        let spool = Spool(socket: sock)
        try FileManager.default.createDirectory(atPath: spool.root, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: spool.directory, contents: nil)
        defer { unlink(spool.directory) }
        let pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"], log: logPath)
        defer { stopChild(pid) }
        #expect(waitForEngine(sock))
        let conn = try EngineConnection(path: sock)
        #expect(try send(conn, [#"{"type":"job.start","job":"j","phases":["a"]}"#]).isEmpty)
        disk.fill()
        try conn.send(#"{"type":"job.end","job":"j","status":"completed"}"# + "\n")
        var unsaved: ClientError?
        do { _ = try conn.sync(timeout: 30) } catch let e as ClientError { unsaved = e }
        #expect(unsaved?.unsaved == true, "\(String(describing: unsaved))")
        conn.close()
        stopChild(pid)
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        #expect(log.contains("could not be saved before the engine stopped") && log.contains("they are lost: they could not be kept in the spool either"), "\(log)")
        #expect(!log.contains("they are kept in the spool"), "\(log)")
    }
}
