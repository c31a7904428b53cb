import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

@Suite("Export, replay, history", .serialized)
struct HistoryEndToEndTests {
    @Test func exportThenReplayRebuildsTheJobAndItsHistory() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/a.db", sockA = dir + "/a.sock"
        let a = try startDaemon(sockA, ["--db", db, "--sample-interval", "0"])
        defer { a.terminate(); a.waitUntilExit() }
        #expect(waitForEngine(sockA))
        let c = try EngineConnection(path: sockA)
        #expect(try send(c, [
            #"{"type":"job.start","job":"imp","name":"import","phases":["fetch","load"],"ts":1763900000}"#,
            #"{"type":"progress","job":"imp","phase":"fetch","done":10,"total":10,"ts":1763900005}"#,
            #"{"type":"phase.end","job":"imp","phase":"fetch","ts":1763900006}"#,
            #"{"type":"checkpoint","job":"imp","name":"fetched","data":{"page":10},"ts":1763900006}"#,
            #"{"type":"progress","job":"imp","phase":"load","done":5,"total":5,"ts":1763900009}"#,
            #"{"type":"job.end","job":"imp","status":"completed","ts":1763900010}"#,
            #"{"type":"job.start","job":"other","name":"other"}"#,
        ]).isEmpty)

        let exported = try runPipetop(["export", "imp", "--db", db, "-o", dir + "/imp.jsonl"])
        #expect(exported.status == 0, "\(exported.err)")
        let text = try String(contentsOfFile: dir + "/imp.jsonl", encoding: .utf8)
        #expect(text.split(separator: "\n").count == 6)
        #expect(!text.contains("\"other\""))

        // History is there, from the engine.
        let h = try runPipetop(["history", "import", "--socket", sockA])
        #expect(h.status == 0 && h.out.contains("import: 1 run") && h.out.contains("completed"), "\(h.out)\(h.err)")

        // Replay into a second engine that keeps nothing.
        let sockB = dir + "/b.sock"
        let b = try startDaemon(sockB, ["--db", ":memory:", "--sample-interval", "0"])
        defer { b.terminate(); b.waitUntilExit() }
        #expect(waitForEngine(sockB))
        let r = try runPipetop(["replay", dir + "/imp.jsonl", "--socket", sockB])
        #expect(r.status == 0, "\(r.err)")
        let json = try runPipetop(["report", "imp", "--format", "json", "--socket", sockB])
        let v = try JSONParser.parse(json.out)
        guard case .array(let jobs)? = v["jobs"], let job = jobs.first else { Issue.record("no job: \(json.out)"); return }
        #expect(job["status"] == .string("completed"))
        #expect(job["duration_s"] == .double(10))
        #expect(job["checkpoints"] != .array([]))
        let hb = try runPipetop(["history", "--json", "--socket", sockB])
        #expect(hb.out.contains("\"pipeline\":\"import\""), "\(hb.out)")

        // A bad line in a replayed file is reported with the file's line number.
        try "\n{\"type\":\"progress\",\"job\":\"nobody\",\"phase\":\"a\",\"done\":1}\n".write(toFile: dir + "/bad.jsonl", atomically: false, encoding: .utf8)
        let bad = try runPipetop(["replay", dir + "/bad.jsonl", "--socket", sockB])
        #expect(bad.status != 0)
        #expect(bad.err.contains("bad.jsonl:2: unknown job 'nobody'"), "\(bad.err)")
    }
}
