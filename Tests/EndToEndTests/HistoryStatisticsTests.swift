import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopWire

/// `pipetop history` statistics on a database filled by `pipetop replay` with known durations:
/// every figure checked exactly.
@Suite("History statistics", .serialized)
struct HistoryStatisticsTests {
    static let base = 1_000_000.0

    /// Run `i` of pipeline etl: extract takes 0.1·i s, the whole run 10·i s (completed); runs
    /// 21 and 22 fail in load after 5 s (extract 0.5 s, done).
    func run(_ i: Int) -> [String] {
        let t = Self.base + Double(i) * 1000, id = "etl-\(i)"
        let failed = i > 20
        let extract = failed ? 0.5 : 0.1 * Double(i), end = failed ? 5.0 : 10 * Double(i)
        return [
            #"{"type":"job.start","job":"\#(id)","name":"etl","phases":["extract","load"],"ts":\#(t)}"#,
            #"{"type":"phase.start","job":"\#(id)","phase":"extract","ts":\#(t)}"#,
            #"{"type":"phase.end","job":"\#(id)","phase":"extract","ts":\#(t + extract)}"#,
            #"{"type":"phase.start","job":"\#(id)","phase":"load","ts":\#(t + extract)}"#,
            #"{"type":"phase.end","job":"\#(id)","phase":"load","status":"\#(failed ? "failed" : "done")","ts":\#(t + end)}"#,
            #"{"type":"job.end","job":"\#(id)","status":"\#(failed ? "failed" : "completed")","ts":\#(t + end)}"#,
        ]
    }

    func filled() throws -> String {
        let dir = try scratchDir()
        let file = dir + "/etl.jsonl", db = dir + "/h.db"
        try ((1...22).flatMap(run).joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        let r = try runPipetop(["replay", file, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        return db
    }

    func stats(_ v: JSONValue?) -> [String: Double] {
        var out: [String: Double] = [:]
        for k in ["count", "avg", "min", "max", "p50", "p95", "p99"] { out[k] = v?[k]?.number }
        return out
    }

    @Test func statisticsPerPipelineAndPhaseAreExactInJSONAndText() throws {
        let db = try filled()
        let r = try runPipetop(["history", "etl", "--json", "--db", db])
        #expect(r.status == 0, "\(r.err)")
        let v = try JSONParser.parse(r.out)
        #expect(v["schema"] == .string("pipetop.history/1"))
        guard case .array(let pipelines)? = v["pipelines"], let etl = pipelines.first else { Issue.record("\(r.out)"); return }
        #expect(etl["pipeline"] == .string("etl"))
        #expect(etl["runs"] == .int(22) && etl["completed"] == .int(20) && etl["failed"] == .int(2) && etl["canceled"] == .int(0))
        #expect(etl["success_rate"] == .double(0.9091))
        // Completed runs took 10, 20 ... 200 s: nearest rank p50 is the 10th, p95 the 19th.
        #expect(stats(etl["duration_s"]) == ["count": 20, "avg": 105, "min": 10, "max": 200, "p50": 100, "p95": 190, "p99": 200])
        guard case .array(let phases)? = etl["phases"], phases.count == 2 else { Issue.record("\(etl)"); return }
        // extract ended done in all 22 runs: 0.1 ... 2.0 s, and 0.5 s twice.
        #expect(phases[0]["id"] == .string("extract") && phases[0]["runs"] == .int(22) && phases[0]["success_rate"] == .double(1))
        #expect(stats(phases[0]["duration_s"]) == ["count": 22, "avg": 1, "min": 0.1, "max": 2, "p50": 0.9, "p95": 1.9, "p99": 2])
        // load: 9.9 ... 198 s in the completed runs, failed in two.
        #expect(phases[1]["done"] == .int(20) && phases[1]["failed"] == .int(2) && phases[1]["success_rate"] == .double(0.9091))
        #expect(stats(phases[1]["duration_s"]) == ["count": 20, "avg": 103.95, "min": 9.9, "max": 198, "p50": 99, "p95": 188.1, "p99": 198])
        // Valid against the JSON Schema in docs/REPORTS.md ("## History"), with Python's jsonschema.
        let dir = try scratchDir()
        try r.out.write(toFile: dir + "/h.json", atomically: false, encoding: .utf8)
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/REPORTS.md").path
        let script = """
        import json, re, sys, jsonschema
        doc = open(sys.argv[1]).read().split("\\n## History\\n", 1)[1]
        schema = json.loads(re.search(r"```json\\n(.*?)\\n```", doc, re.S).group(1))
        jsonschema.validate(json.load(open(sys.argv[2])), schema)
        print("valid")
        """
        let checked = try runProcess("/usr/bin/env", ["python3", "-c", script, doc, dir + "/h.json"])
        #expect(checked.out.contains("valid"), "\(checked.err)")
        guard case .array(let runs)? = etl["history"] else { Issue.record("no runs"); return }
        #expect(runs.count == 22 && runs.first?["job"] == .string("etl-1") && runs.first?["duration_s"] == .double(10))

        let text = try runPipetop(["history", "etl", "--stats-only", "--db", db], env: ["LANG": "C.UTF-8"])
        #expect(text.status == 0)
        var lines = text.out.split(separator: "\n").map(String.init)
        // Read from the file: said first, as `report` says it.
        #expect(lines.first?.hasPrefix("As of ") == true && lines.first?.contains("the last event recorded in \(db); no engine is running") == true, "\(text.out)")
        lines.removeFirst()
        #expect(lines.first == "etl: 22 runs (20 completed, 2 failed), success 90.9%", "\(text.out)")
        #expect(lines.count > 1 && lines[1].hasPrefix("  duration  avg 1m45s  min 10s  max 3m20s  p50 1m40s  p95 3m10s  p99 3m20s  ▁"), "\(text.out)")
        // Sub-second durations in milliseconds; the sparkline from the shortest to the longest.
        let extract = try #require(lines.first { $0.hasPrefix("  extract") }, "\(text.out)")
        #expect(extract.contains("  22   100%      1s   100ms      2s   900ms      2s      2s  "), "\(extract)")
        #expect(extract.hasSuffix("▁▁▂▂▂▃▃▄▄▄▅▅▅▆▆▇▇▇██▂▂"), "\(extract)")
        #expect(!text.out.contains("1970-"), "the runs are listed without --stats-only only: \(text.out)")
        let ascii = try runPipetop(["history", "etl", "--db", db], env: ["LANG": "C", "LC_ALL": "C"])
        #expect(ascii.out.contains("__...---====+++***##..") && ascii.out.contains("1970-01-12T19:20:00.000Z  completed 3m20s"), "\(ascii.out)")
    }

    @Test func sinceAndUntilChooseTheRunsAndABadTimeIsASentence() throws {
        let db = try filled()
        // Runs 5 to 9 started in [base + 5000, base + 10000).
        let r = try runPipetop(["history", "etl", "--json", "--since", "\(Int(Self.base) + 5000)", "--until", "\(Int(Self.base) + 10_000)", "--db", db])
        let v = try JSONParser.parse(r.out)
        guard case .array(let pipelines)? = v["pipelines"], let etl = pipelines.first else { Issue.record("\(r.out)"); return }
        #expect(etl["runs"] == .int(5))
        #expect(stats(etl["duration_s"]) == ["count": 5, "avg": 70, "min": 50, "max": 90, "p50": 70, "p95": 90, "p99": 90])
        #expect(v["since"] == .string("1970-01-12T15:10:00.000Z"), "\(String(describing: v["since"]))")

        let none = try runPipetop(["history", "--since", "1d", "--db", db])
        #expect(none.status != 0 && none.err.contains("pipetop history: no runs started since "), "\(none)")
        let bad = try runPipetop(["history", "--since", "last tuesday", "--db", db])
        #expect(bad.status != 0)
        #expect(bad.err.contains("--since takes a date or time such as 2026-12-01") && bad.err.contains("'last tuesday' is none of these"), "\(bad.err)")
    }
}
