import Foundation
import Testing

@Suite("pipetop replay")
struct ReplayTests {
    /// One run of a 600-item pipeline at `rate` items/s, reported every second from `start`.
    func run(_ id: String, start: Double, rate: Int) -> String {
        var lines = [#"{"type":"job.start","job":"\#(id)","ts":\#(start),"name":"nightly","phases":["load"]}"#,
                     #"{"type":"phase.start","job":"\#(id)","ts":\#(start),"phase":"load","total":600}"#]
        var done = 0, t = start
        while done < 600 {
            t += 1
            done = min(600, done + rate)
            lines.append(#"{"type":"progress","job":"\#(id)","ts":\#(t),"phase":"load","done":\#(done)}"#)
        }
        lines.append(#"{"type":"job.end","job":"\#(id)","ts":\#(t),"status":"completed"}"#)
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func replayedRunsTeachTheEstimateAndTheTraceHasALineASecond() throws {
        let dir = try scratchDir()
        let db = dir + "/history.db"
        try run("night-1", start: 1_000_000, rate: 10).write(toFile: dir + "/1.jsonl", atomically: false, encoding: .utf8)
        try run("night-2", start: 1_001_000, rate: 10).write(toFile: dir + "/2.jsonl", atomically: false, encoding: .utf8)
        try run("night-3", start: 1_002_000, rate: 10).write(toFile: dir + "/3.jsonl", atomically: false, encoding: .utf8)

        let first = try runPipetop(["replay", dir + "/1.jsonl", dir + "/2.jsonl", "--db", db])
        #expect(first.status == 0, "\(first.err)")
        let history = try runPipetop(["history", "nightly", "--db", db])
        #expect(history.out.contains("2 runs"), "\(history.out)")

        let traced = try runPipetop(["replay", dir + "/3.jsonl", "--db", db, "--eta-trace", dir + "/eta.jsonl"])
        #expect(traced.status == 0, "\(traced.err)")
        let lines = try String(contentsOfFile: dir + "/eta.jsonl", encoding: .utf8).split(separator: "\n")
        let rows = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        // One line per second of the 60 s run, each with every field.
        #expect(rows.count >= 59 && rows.count <= 61)
        for key in ["ts", "job", "phase", "done", "total", "eta_s", "lo_s", "hi_s", "stalled"] { #expect(rows[0][key] != nil, "\(key)") }
        let ts = rows.compactMap { $0["ts"] as? Double }
        #expect(zip(ts, ts.dropFirst()).allSatisfy { $1 - $0 == 1 })
        // From its first second the run is estimated from the two before it: about 60 s.
        let firstETA = try #require(rows[0]["eta_s"] as? Double)
        #expect(abs(firstETA - 60) < 6, "\(rows[0])")
        // Half way: 30 s left, inside the range.
        let mid = try #require(rows.first { ($0["ts"] as? Double) == 1_002_030 })
        let eta = try #require(mid["eta_s"] as? Double), lo = try #require(mid["lo_s"] as? Double), hi = try #require(mid["hi_s"] as? Double)
        #expect(abs(eta - 30) < 3 && lo <= 30 && hi >= 30, "\(mid)")
        #expect(mid["stalled"] as? Bool == false)
    }

    @Test func aBadLineIsNamedAndTheRestApplied() throws {
        let dir = try scratchDir()
        var text = run("r-1", start: 2_000_000, rate: 100)
        text = text.replacingOccurrences(of: "\n{\"type\":\"progress\",\"job\":\"r-1\",\"ts\":2000002", with: "\n{oops\n{\"type\":\"progress\",\"job\":\"r-1\",\"ts\":2000002")
        try text.write(toFile: dir + "/r.jsonl", atomically: false, encoding: .utf8)
        let r = try runPipetop(["replay", dir + "/r.jsonl", "--eta-trace", dir + "/eta.jsonl"])
        #expect(r.status != 0)
        #expect(r.err.contains("r.jsonl:4:"), "\(r.err)")
        #expect(r.err.contains("events applied"))
        let lines = try String(contentsOfFile: dir + "/eta.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 5)
    }
}
