import Foundation
import Testing
@testable import pipetop
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// A known pipeline: one finished job, one failed with an alert and odd characters.
func reportFixture() throws -> PipelineState {
    var s = PipelineState()
    let t0 = 1_763_900_000.0
    func at(_ dt: Double, _ job: String, _ b: Event.Body) throws { try s.apply(Event(job: job, b), now: t0 + dt) }
    try at(0, "ok", .jobStart(.init(name: "nightly", phases: [.init(id: "fetch"), .init(id: "load")], labels: ["env": "prod"])))
    try at(0, "ok", .phaseStart(.init(phase: "fetch", total: 100, unit: "pages")))
    try at(10, "ok", .progress(.init(phase: "fetch", done: 100)))
    try at(10, "ok", .phaseEnd(.init(phase: "fetch")))
    try at(10, "ok", .phaseStart(.init(phase: "load", total: 50)))
    try at(15, "ok", .progress(.init(phase: "load", done: 48, failed: 2)))
    try at(15, "ok", .checkpoint(.init(name: "loaded", data: .object([("rows", .int(48))]))))
    try at(15, "ok", .jobEnd(.init(status: .completed)))
    try at(0, "bad", .jobStart(.init(name: "etl, \"quoted\"", phases: [.init(id: "x")])))
    try at(1, "bad", .step(.init(phase: "x", step: "s1", state: .failed, detail: "HTTP 503")))
    try at(2, "bad", .phaseEnd(.init(phase: "x", status: .failed, error: "line one,\nline two")))
    try at(3, "bad", .jobEnd(.init(status: .failed, error: "x failed")))
    return s
}

@Suite("Reports")
struct ReportTests {
    let now = 1_763_900_000.0 + 20

    /// What `pipetop report` projects.
    func board(_ s: PipelineState, _ now: Double) -> Board { BoardProjector.board(s, now: now, options: .everything) }

    @Test func jsonHasTheFiguresAndFollowsTheDocumentedSchema() throws {
        let s = try reportFixture()
        let v = Report.json(board(s, now), jobs: board(s, now).jobs)
        let ok = try #require(v["jobs"].flatMap { if case .array(let a) = $0 { return a.first } else { return nil } })
        #expect(ok["status"] == .string("completed"))
        #expect(ok["duration_s"] == .double(15))
        guard case .array(let phases)? = ok["phases"] else { Issue.record("no phases"); return }
        #expect(phases[0]["duration_s"] == .double(10) && phases[0]["rate_per_s"] == .double(10))
        #expect(phases[1]["failed"] == .int(2) && phases[1]["total"] == .int(50))
        #expect(ok["checkpoints"] != .array([]))

        try expectValidReport(v)
    }

    @Test func csvHasOneRowPerPhaseAndParsesBack() throws {
        let s = try reportFixture()
        let text = Report.csv(board(s, now).jobs, now: now)
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: dir + "/r.csv", atomically: false, encoding: .utf8)
        let script = """
        import csv, json, sys
        rows = list(csv.DictReader(open(sys.argv[1], newline="")))
        print(json.dumps(rows))
        """
        let r = try runProcess("/usr/bin/env", ["python3", "-c", script, dir + "/r.csv"])
        let rows = try JSONParser.parse(r.out)
        guard case .array(let list) = rows else { Issue.record("not rows: \(r.out) \(r.err)"); return }
        #expect(list.count == 3)
        #expect(list[0]["phase"] == .string("fetch") && list[0]["realtime"] == .string("10.000") && list[0]["done"] == .string("100"))
        #expect(list[2]["job_name"] == .string("etl, \"quoted\""))
        #expect(list[2]["error"] == .string("line one,\nline two"))
        #expect(text.hasPrefix(Report.csvColumns.joined(separator: ",") + "\n"))
    }

    @Test func textAndDetailedSayWhatHappened() throws {
        let s = try reportFixture()
        let t = Report.text(board(s, now), jobs: board(s, now).jobs, detailed: false)
        #expect(t.contains("nightly (ok): completed, 100%, 15s"))
        #expect(t.contains("  done     fetch  100/100 pages, 100%, 10s, 10 pages/s"), "\(t)")
        #expect(t.contains("failed   x") && t.contains("error: line one,"))
        let d = Report.text(board(s, now), jobs: board(s, now).jobs, detailed: true)
        #expect(d.contains("failed step s1: HTTP 503"))
        #expect(d.contains("last checkpoint: loaded"))
        #expect(d.contains("alert critical: job etl, \"quoted\" failed: x failed"))
    }

    /// A command that ended before the sampler's first look, whose parent could not tell its
    /// peak from pipetop's own (`pipetop run -- true`): its peak memory was never seen, and
    /// no report says 0 B of it.
    @Test func aPeakNeverSampledIsSaidSoNotZero() throws {
        var s = PipelineState()
        let t0 = 1_763_900_000.0
        try s.apply(Event(job: "q", .jobStart(.init(name: "quick", phases: [.init(id: "run")]))), now: t0)
        try s.apply(Event(job: "q", .phaseStart(.init(phase: "run"))), now: t0)
        try s.apply(Event(job: "q", .jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 0.002, readBytes: 0, writeBytes: 0)))), now: t0 + 0.01)
        let b = board(s, t0 + 1)
        let d = Report.text(b, jobs: b.jobs, detailed: true)
        #expect(d.contains("peak rss not sampled") && !d.contains("peak rss 0B"), "\(d)")
        let v = Report.json(b, jobs: b.jobs)
        let job = try #require(v["jobs"].flatMap { if case .array(let a) = $0 { return a.first } else { return nil } })
        #expect(job["resources"]?["peak_rss_bytes"] == .null)
        guard case .array(let phases)? = job["phases"] else { Issue.record("no phases"); return }
        #expect(phases[0]["peak_rss_bytes"] == .null && phases[0]["cpu_seconds"] == .double(0.002))
        let csv = Report.csv(b.jobs, now: t0 + 1).split(separator: "\n")
        let rss = try #require(Report.csvColumns.firstIndex(of: "peak_rss"))
        #expect(csv[1].split(separator: ",", omittingEmptySubsequences: false)[rss] == "")
        // One that was seen says its figure.
        var seen = s
        try seen.apply(Event(job: "q2", .jobStart(.init(name: "quick2", phases: [.init(id: "run")]))), now: t0)
        try seen.apply(Event(job: "q2", .phaseStart(.init(phase: "run"))), now: t0)
        try seen.apply(Event(job: "q2", .jobEnd(.init(status: .completed, totals: RunTotals(cpuSeconds: 0.002, maxRSS: 3 << 20)))), now: t0 + 0.01)
        let b2 = board(seen, t0 + 1)
        #expect(Report.text(b2, jobs: b2.jobs, detailed: true).contains("peak rss 3.0MiB"))
    }

    @Test func theCommandReadsTheEngineOrTheFile() throws {
        let d = try Daemon()
        let c = try EngineConnection(path: d.sock)
        _ = try send(c, [#"{"type":"job.start","job":"r","name":"rep","phases":["a"]}"#, #"{"type":"progress","job":"r","phase":"a","done":3,"total":4}"#])
        let live = try runPipetop(["report", "--format", "csv", "--socket", d.sock])
        #expect(live.status == 0, "\(live.err)")
        #expect(live.out.contains("r,rep,1,a,a,running"))
        let missing = try runPipetop(["report", "nope", "--socket", d.sock])
        #expect(missing.status != 0 && missing.err.contains("no job has the id or name 'nope'"))
        let none = try runPipetop(["report", "--socket", d.dir + "/none.sock", "--db", d.dir + "/none.db"])
        #expect(none.status != 0 && none.err.contains("there is no database at \(d.dir)/none.db"), "\(none.err)")
        let neither = try runPipetop(["report", "--socket", d.dir + "/none.sock"], env: ["PIPETOP_DB": d.dir + "/none.db"])
        #expect(neither.status != 0 && neither.err.contains("no engine is listening on \(d.dir)/none.sock, and there is no database at \(d.dir)/none.db"), "\(neither.err)")
    }
}
