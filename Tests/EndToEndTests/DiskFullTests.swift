import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopStore
@testable import PipetopWire

/// A small real tmpfs for the engine's database: mounted for the test, unmounted after.
/// Needs the right to mount (root in CI); the tests that use one are skipped otherwise.
final class SmallDisk {
    let dir: String
    var mounted = false

    init(megabytes: Int) throws {
        dir = try scratchDir()
        let fs = dir + "/fs"
        try FileManager.default.createDirectory(atPath: fs, withIntermediateDirectories: true)
        let r = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", fs])
        guard r.status == 0 else { throw ClientError("cannot mount a tmpfs: \(r.err)") }
        mounted = true
    }

    var path: String { dir + "/fs" }

    /// Whether this process may mount a tmpfs (checked once).
    static let canMount: Bool = {
        guard let d = try? SmallDisk(megabytes: 1) else { return false }
        return d.mounted
    }()

    /// Fills the disk with one file until it refuses a byte more.
    func fill() {
        let fd = open(path + "/fill", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        // Small writes too, so not even a page is left.
        while write(fd, block, 1) > 0 {}
    }

    func free() { unlink(path + "/fill") }

    deinit {
        if mounted { _ = try? runProcess("/bin/umount", ["-l", path]) }
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// The database's disk fills while the engine runs: it says so at once and goes on from
/// memory, within its bound, and writes everything once there is room again.
@Suite("Disk full", .serialized, .enabled(if: SmallDisk.canMount, "mounting a tmpfs is not permitted here (needs root): skipped"))
struct DiskFullTests {
    @Test func aFullDiskIsToldAtOnceAndEverythingIsWrittenOnceThereIsRoom() throws {
        let disk = try SmallDisk(megabytes: 48)
        let sock = disk.dir + "/e.sock", db = disk.path + "/pipetop.db", log = disk.dir + "/daemon.log"
        let pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"], log: log)
        defer { stopChild(pid) }
        #expect(waitForEngine(sock))
        let conn = try EngineConnection(path: sock)
        defer { conn.close() }
        #expect(try send(conn, [#"{"type":"job.start","job":"j","phases":["a"]}"#]).isEmpty)

        disk.fill()
        // A durable sync is answered at once with why nothing can be saved (not after a timeout).
        try conn.send(#"{"type":"progress","job":"j","phase":"a","done":1,"total":1000000}"# + "\n")
        var unsaved: ClientError?
        do { _ = try conn.sync(timeout: 30) } catch let e as ClientError { unsaved = e }
        #expect(unsaved?.unsaved == true, "\(String(describing: unsaved))")
        #expect(unsaved?.description.contains("\(db) cannot be written (No space left on device)") == true, "\(String(describing: unsaved))")
        #expect(unsaved?.description.contains("events are applied but not saved") == true)

        // pipetop's own alert says it, for every viewer.
        let alerts = try runPipetop(["alerts", "--socket", sock])
        #expect(alerts.out.contains("pipetop/-/not-saved") && alerts.out.contains("events are not saved (No space left on device)"), "\(alerts)")

        // Every dashboard says it under its header (here one attached over the socket).
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", width: 80, height: 24, env: ["LANG": "C.UTF-8"])
        let (bannered, screen) = pane.waitFor { $0.split(separator: "\n").dropFirst().first?.contains("events are not saved (No space left on device)") == true }
        #expect(bannered, "\(screen)")

        // What waits for the disk is bounded: past 100,000 events, new ones are refused with the reason.
        let before = rss(pid)
        var sent = 1
        let chunk = 2_000
        var refusal: String?
        while refusal == nil && sent < 130_000 {
            var text = ""
            for _ in 0..<chunk {
                sent += 1
                text += #"{"type":"progress","job":"j","phase":"a","done":\#(sent),"total":1000000}"# + "\n"
            }
            try conn.send(text + #"{"type":"sync","id":"c\#(sent)"}"# + "\n")
            // Error replies arrive before the sync's answer (synced, or not saved).
            while let line = try conn.readLine(timeout: 30) {
                let reply = Reply.parse(line)
                if case .error(_, let reason)? = reply, reason.hasPrefix("not applied") { refusal = reason }
                if case .syncFailed(.string("c\(sent)"), _, _)? = reply { break }
                if case .synced(.string("c\(sent)"), _)? = reply { break }
            }
        }
        let refused = try #require(refusal, "no event was refused after \(sent) were sent while the disk was full")
        #expect(refused.contains("No space left on device") && refused.contains("the limit is 100000 events"), "\(refused)")
        let grown = rss(pid) - before
        #expect(grown < 150 << 20, "the engine grew by \(grown >> 20) MB holding 100,000 events")
        let stillThere = try runPipetop(["report", "--socket", sock, "--format", "json"])
        #expect(stillThere.status == 0)

        // Room again: everything held is written, the alert resolves, sync works again.
        disk.free()
        // The banner goes, though no event came since and no new viewer asked (nothing else
        // would send the attached dashboard a new state).
        let (cleared, after) = pane.waitFor(60) { !$0.contains("not saved") && $0.contains("pipetop") }
        #expect(cleared, "\(after)")
        let alertsAfter = try runPipetop(["alerts", "--socket", sock])
        #expect(!alertsAfter.out.contains("not-saved"), "the not-saved alert did not resolve once there was room: \(alertsAfter.out)")
        try conn.send(#"{"type":"progress","job":"j","phase":"a","done":999999,"total":1000000}"# + "\n")
        #expect(try conn.sync(timeout: 30).isEmpty)
        conn.close()
        stopChild(pid)

        // What was applied is in the database, in order: the job's start, then its counts (runs
        // of them merged: the first and newest of each batch), the newest last.
        let store = try Store(path: db)
        let rows = try store.entries(job: "j")
        #expect(rows.first?.line.contains("job.start") == true, "\(rows.first?.line ?? "none")")
        #expect(rows.map(\.seq) == rows.map(\.seq).sorted() && Set(rows.map(\.seq)).count == rows.count)
        #expect(rows.last?.line.contains("999999") == true)
        #expect(try store.restoreState().state[job: "j"]?.phase("a")?.done == 999_999)

        // Logged once (and once on recovery), not 20 lines a second.
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.contains("not saved") }.count == 1, "\(text)")
        #expect(lines.contains { $0.contains("can be written again") }, "\(text)")
    }

    /// Resident memory of a process, in bytes.
    func rss(_ pid: pid_t) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
    }
}
