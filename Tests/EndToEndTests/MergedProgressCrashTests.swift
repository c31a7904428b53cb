import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopStore
@testable import PipetopWire

/// The journal merges runs of progress counts; after kill -9 the daemon's file still gives the
/// last synced count of each phase, and a log line sent between two counts keeps its place.
@Suite("Merged progress survives a crash", .serialized)
struct MergedProgressCrashTests {
    @Test func aSyncedBurstRestoresItsLastCountAfterKill9() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/p.db", sock = dir + "/p.sock"
        let daemon = try startDaemon(sock, ["--db", db, "--sample-interval", "0"])
        let c = try EngineConnection(path: sock)
        var lines = [#"{"type":"job.start","job":"j","phases":["a","b"]}"#]
        lines.append(#"{"type":"progress","job":"j","phase":"a","done":1,"total":50000}"#)
        for n in 2...20_000 { lines.append(#"{"type":"progress","job":"j","phase":"a","done":\#(n)}"#) }
        lines.append(#"{"type":"log","job":"j","message":"between"}"#)
        for n in 20_001...30_000 { lines.append(#"{"type":"progress","job":"j","phase":"a","done":\#(n)}"#) }
        for n in 1...5_000 { lines.append(#"{"type":"progress","job":"j","phase":"b","done":\#(n)}"#) }
        #expect(try send(c, lines).isEmpty)  // a durable sync: all of it is promised
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        #expect(daemon.terminationReason == .uncaughtSignal)

        let store = try Store(path: db)
        #expect(try store.integrityCheck() == "ok")
        let job = try #require(try store.restoreState().state[job: "j"])
        #expect(job.phase("a")?.done == 30_000)
        #expect(job.phase("a")?.total == 50_000)
        #expect(job.phase("b")?.done == 5_000)
        #expect(job.logs.map(\.message) == ["between"])

        // Far fewer rows than events, and the log line between the counts it came between.
        let rows = try store.entries(job: "j")
        #expect(rows.count < 1_000, "\(rows.count) rows for \(lines.count) events: nothing was merged")
        let at = try #require(rows.firstIndex { $0.line.contains(#""type":"log""#) })
        func done(_ line: String) -> Int? {
            guard case .success(.event(let e)) = EventDecoder.decode(line), case .progress(let p) = e.body, p.phase == "a" else { return nil }
            return p.done
        }
        #expect(rows[..<at].compactMap { done($0.line) }.last == 20_000, "the count before the log line moved")
        #expect(rows[(at + 1)...].compactMap { done($0.line) }.allSatisfy { $0 > 20_000 })
    }
}
