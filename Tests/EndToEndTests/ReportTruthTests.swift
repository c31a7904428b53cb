import Foundation
import Testing
@testable import pipetop
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// Every report format says what the dashboard and the web API say: a lost job is lost (and
/// its running phase, with no rate or ETA), skipped items are said where failed ones are, and
/// figures read from the database with no engine are as of its last event, not live.
@Suite("Reports tell the truth", .serialized)
struct ReportTruthTests {
    /// A job of pid 4242 that made 10 items a second for 20 s of 1,000, then its process was
    /// found gone at 121 and it was lost 5 s later (as LostJobTests makes it).
    func lostJob() throws -> PipelineState {
        var s = PipelineState()
        func at(_ t: Double, _ b: Event.Body) throws { try s.apply(Event(job: "j1", b), now: t) }
        try at(100, .jobStart(.init(name: "wrapper-killed", phases: [.init(id: "run")], pid: 4242)))
        try at(100, .phaseStart(.init(phase: "run", total: 1000)))
        for t in 1...20 { try at(100 + Double(t), .progress(.init(phase: "run", done: t * 10))) }
        s.refreshEstimates(now: 120)
        s.noteGone(["j1"], at: 121)
        s.noteGone(["j1"], at: 121 + Job.lostGrace)
        s.evaluateRules(now: 126)
        s.refreshEstimates(now: 126)
        return s
    }

    @Test func aLostJobIsLostInEveryFormatWithNoRateOrETA() throws {
        let b = BoardProjector.board(try lostJob(), now: 300, options: .everything)
        #expect(b.jobs[0].isLost, "the fixture is a lost job")
        let v = Report.json(b, jobs: b.jobs)
        let job = try #require(v["jobs"].flatMap { if case .array(let a) = $0 { return a.first } else { return nil } })
        #expect(job["status"] == .string("lost") && job["lost"] == .bool(true) && job["eta"] == .null, "\(JSONWriter.string(job))")
        guard case .array(let phases)? = job["phases"] else { Issue.record("no phases"); return }
        #expect(phases[0]["status"] == .string("lost"))
        #expect(phases[0]["rate_per_s"] == .null && phases[0]["rate_now_per_s"] == .null && phases[0]["eta_s"] == .null,
                "\(JSONWriter.string(phases[0]))")
        try expectValidReport(v)

        let csv = Report.csv(b.jobs, now: 300).split(separator: "\n")
        let cells = csv[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(cells[try #require(Report.csvColumns.firstIndex(of: "status"))] == "lost", "\(csv[1])")
        #expect(cells[try #require(Report.csvColumns.firstIndex(of: "rate_per_s"))] == "", "\(csv[1])")

        let text = Report.text(b, jobs: b.jobs, detailed: true)
        let line = try #require(text.split(separator: "\n").first { $0.contains(" run ") || $0.hasSuffix(" run") || $0.contains(" run,") })
        #expect(line.hasPrefix("  lost     run"), "\(text)")
        #expect(!line.contains("/s") && !line.contains("/min") && !line.contains("ETA"), "\(line)")
    }

    /// A phase with 80 done, 10 failed and 10 skipped of 100: the text report says the
    /// skipped ones beside the failed ones, with the same counts as the dashboard.
    @Test func skippedItemsAreSaidWhereFailedOnesAre() throws {
        var s = PipelineState()
        try s.apply(Event(job: "k", .jobStart(.init(name: "sk", phases: [.init(id: "load")]))), now: 100)
        try s.apply(Event(job: "k", .phaseStart(.init(phase: "load", total: 100, unit: "rows"))), now: 100)
        try s.apply(Event(job: "k", .progress(.init(phase: "load", done: 80, failed: 10, skipped: 10))), now: 110)
        try s.apply(Event(job: "k", .phaseEnd(.init(phase: "load"))), now: 110)
        let b = BoardProjector.board(s, now: 120, options: .everything)
        let text = Report.text(b, jobs: b.jobs, detailed: false)
        #expect(text.contains("load  90/100 rows, 90%, 10 failed, 10 skipped, 10s"), "\(text)")
    }

    /// Read from the database with no engine: figures as of the last event recorded, said so,
    /// a running job said to have been running when last seen, and no ETA.
    @Test func fromTheDatabaseFiguresAreAsOfTheLastEvent() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/e.sock", db = dir + "/e.db"
        let engine = try startDaemon(sock, ["--sample-interval", "0", "--db", db])
        let c = try EngineConnection(path: sock)
        _ = try send(c, [#"{"type":"job.start","job":"w","name":"warm","phases":["a"]}"#,
                         #"{"type":"phase.start","job":"w","phase":"a","total":1000}"#,
                         #"{"type":"progress","job":"w","phase":"a","done":100}"#,
                         #"{"type":"progress","job":"w","phase":"a","done":200}"#])
        _ = try #require(try engineState(sock) { $0[job: "w"]?.phase("a")?.done == 200 })
        c.close()
        engine.terminate()
        engine.waitUntilExit()

        let j = try runPipetop(["report", "w", "--format", "json", "--db", db, "--socket", dir + "/none.sock"])
        #expect(j.status == 0, "\(j.err)")
        #expect(j.err.contains("no engine is running"), "\(j.err)")
        let v = try JSONParser.parse(j.out)
        #expect(v["source"] == .string("database"))
        let asOf = try #require(v["as_of"].flatMap { if case .string(let t) = $0 { return ISO8601DateFormatter.fractional.date(from: t) } else { return nil } })
        let generated = try #require(v["generated_at"].flatMap { if case .string(let t) = $0 { return ISO8601DateFormatter.fractional.date(from: t) } else { return nil } })
        #expect(asOf < generated)
        let job = try #require(v["jobs"].flatMap { if case .array(let a) = $0 { return a.first } else { return nil } })
        let started = try #require(job["started_at"].flatMap { if case .string(let t) = $0 { return ISO8601DateFormatter.fractional.date(from: t) } else { return nil } })
        let duration: Double
        switch job["duration_s"] {
        case .double(let d)?: duration = d
        case .int(let d)?: duration = Double(d)
        default: Issue.record("no duration: \(JSONWriter.string(job))"); return
        }
        #expect(abs(duration - asOf.timeIntervalSince(started)) < 0.002, "elapsed \(duration) s runs past the last event")
        #expect(job["eta"] == .null)
        try expectValidReport(v)

        let t = try runPipetop(["report", "w", "--db", db, "--socket", dir + "/none.sock"])
        #expect(t.status == 0, "\(t.err)")
        #expect(t.out.hasPrefix("As of ") && t.out.contains("no engine is running"), "\(t.out)")
        #expect(t.out.contains("warm (w): running when last seen") && !t.out.contains("ETA"), "\(t.out)")
    }
}

extension ReportTruthTests {
    /// `history` and `alerts` read from the database with no engine say so first, as of the
    /// last event recorded (as `report` does, in the same words), and `alerts --since` counts
    /// back from then: a failure recorded 10 minutes ago is within "the last minute" of the file.
    @Test func historyAndAlertsFromTheDatabaseAreAsOfTheLastEvent() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/e.sock", db = dir + "/e.db", none = dir + "/none.sock"
        let engine = try startDaemon(sock, ["--sample-interval", "0", "--db", db])
        let c = try EngineConnection(path: sock)
        let t0 = (Date().timeIntervalSince1970 - 600).rounded()
        _ = try send(c, [#"{"type":"job.start","job":"w","name":"warm","phases":["a"],"ts":\#(t0)}"#,
                         #"{"type":"job.end","job":"w","status":"failed","error":"exit status 1","ts":\#(t0 + 5)}"#])
        _ = try #require(try engineState(sock) { $0[job: "w"]?.state == .failed })
        c.close()
        engine.terminate()
        engine.waitUntilExit()

        let asOf = "as of \(Format.clock(t0 + 5)) ("
        for command in [["history"], ["alerts", "--all"]] {
            let t = try runPipetop(command + ["--db", db, "--socket", none])
            #expect(t.status == 0, "\(t.err)")
            #expect(t.out.hasPrefix("A" + asOf.dropFirst()) && t.out.contains("ago), the last event recorded in \(db); no engine is running"), "\(t.out)")
            let j = try runPipetop(command + ["--json", "--db", db, "--socket", none])
            #expect(j.status == 0 && (try? JSONParser.parse(j.out)) != nil, "stdout stays JSON: \(j.out)")
            #expect(j.err.hasPrefix("pipetop \(command[0]): " + asOf) && j.err.contains("no engine is running"), "\(j.err)")
        }
        let recent = try runPipetop(["alerts", "--since", "1m", "--db", db, "--socket", none])
        #expect(recent.out.contains("w/-/job-failed#1"), "the file's last minute: \(recent.out)")
    }
}

extension ISO8601DateFormatter {
    /// Reads the reports' times (fractional seconds).
    static var fractional: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}

/// Validates a report against the JSON Schema in docs/REPORTS.md with Python's jsonschema.
func expectValidReport(_ v: JSONValue) throws {
    let dir = try scratchDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try JSONWriter.string(v).write(toFile: dir + "/r.json", atomically: false, encoding: .utf8)
    let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/REPORTS.md").path
    let script = """
    import json, re, sys, jsonschema
    doc = open(sys.argv[1]).read()
    schema = json.loads(re.search(r"```json\\n(.*?)\\n```", doc, re.S).group(1))
    jsonschema.validate(json.load(open(sys.argv[2])), schema)
    print("valid")
    """
    let r = try runProcess("/usr/bin/env", ["python3", "-c", script, doc, dir + "/r.json"])
    #expect(r.out.contains("valid"), "\(r.err)")
}
