import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// Every command that takes a job takes its name too (meaning its newest run), and
/// `pipetop run` gives its job the id of its name unless one of that name is still going.
@Suite("Job names on the command line", .serialized)
struct JobNameArgumentTests {
    @Test func everyJobTakingCommandAcceptsAName() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/a.db", sock = dir + "/a.sock"
        let daemon = try startDaemon(sock, ["--db", db, "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        // Two runs named "nightly import" under made-up ids; the second is the newest.
        #expect(try send(c, [
            #"{"type":"job.start","job":"imp-1","name":"nightly import","phases":["fetch"],"ts":1763900000}"#,
            #"{"type":"progress","job":"imp-1","phase":"fetch","done":4,"total":4,"ts":1763900004}"#,
            #"{"type":"job.end","job":"imp-1","status":"completed","ts":1763900005}"#,
            #"{"type":"job.start","job":"imp-2","name":"nightly import","phases":["fetch"],"ts":1763990000}"#,
            #"{"type":"progress","job":"imp-2","phase":"fetch","done":7,"total":9,"ts":1763990007}"#,
            #"{"type":"checkpoint","job":"imp-2","name":"page-7","data":{"page":7},"ts":1763990007}"#,
            #"{"type":"alert","job":"imp-2","severity":"warning","message":"slow API","ts":1763990008}"#,
        ]).isEmpty)
        let env = ["USER": "tester"]

        let report = try runPipetop(["report", "nightly import", "--format", "json", "--socket", sock])
        #expect(report.status == 0, "\(report.err)")
        guard case .array(let jobs)? = try JSONParser.parse(report.out)["jobs"] else { Issue.record("no jobs: \(report.out)"); return }
        #expect(jobs.count == 1 && jobs.first?["id"] == .string("imp-2"), "\(report.out)")

        let resume = try runPipetop(["resume", "nightly import", "--json", "--socket", sock])
        #expect(resume.status == 0 && resume.out.contains(#""job":"imp-2""#) && resume.out.contains("page-7"), "\(resume.out)\(resume.err)")

        let ack = try runPipetop(["ack", "nightly import", "--socket", sock], env: env)
        #expect(ack.status == 0 && ack.out.contains("acknowledged imp-2/"), "\(ack.out)\(ack.err)")
        let again = try runPipetop(["ack", "nightly import", "--socket", sock], env: env)
        #expect(again.status != 0 && again.err.contains("no open alert that is not acknowledged"), "\(again.err)")

        let silence = try runPipetop(["silence", "--job", "nightly import", "--for", "1h", "--socket", sock], env: env)
        #expect(silence.status == 0, "\(silence.err)")
        let alerts = try runPipetop(["alerts", "--json", "--socket", sock])
        #expect(alerts.out.contains(#""job":"imp-2""#), "\(alerts.out)")

        let history = try runPipetop(["history", "imp-1", "--socket", sock])
        #expect(history.status == 0 && history.out.contains("nightly import: 1 run"), "\(history.out)\(history.err)")

        let export = try runPipetop(["export", "nightly import", "--db", db])
        #expect(export.status == 0 && export.out.contains(#""job":"imp-2""#) && !export.out.contains(#""job":"imp-1""#), "\(export.out)\(export.err)")

        // A name nobody used is refused in a sentence that says what exists.
        let unknown = try runPipetop(["report", "nightly", "--socket", sock])
        #expect(unknown.status != 0 && unknown.err.contains("no job has the id or name 'nightly' (known: nightly import"), "\(unknown.err)")
    }

    @Test func runUsesTheNameAsIdUnlessOneOfThatNameIsStillGoing() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/a.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let env = ["XDG_STATE_HOME": dir + "/state"]

        // One run holds the name while it goes; a second one beside it gets NAME-PID.
        let fifo = dir + "/go"
        #expect(mkfifo(fifo, 0o600) == 0)
        let first = Process()
        first.executableURL = URL(fileURLWithPath: pipetopBinary)
        first.arguments = ["run", "--name", "etl", "--socket", sock, "--", "sh", "-c", "read x < \(fifo)"]
        first.environment = ProcessInfo.processInfo.environment.merging(env) { _, n in n }
        try first.run()
        #expect(waitForJob("etl", sock))
        let beside = try runPipetop(["run", "--name", "etl", "--socket", sock, "--", "true"], env: env)
        #expect(beside.status == 0, "\(beside.err)")
        try "go\n".write(toFile: fifo, atomically: false, encoding: .utf8)
        first.waitUntilExit()

        // The next run, alone, is run 2 of the job "etl".
        #expect(try runPipetop(["run", "--name", "etl", "--socket", sock, "--", "true"], env: env).status == 0)
        let report = try runPipetop(["report", "--format", "json", "--socket", sock])
        let v = try JSONParser.parse(report.out)
        guard case .array(let jobs)? = v["jobs"] else { Issue.record("no jobs: \(report.out)"); return }
        let ids = jobs.compactMap { j -> String? in if case .string(let s)? = j["id"] { s } else { nil } }
        #expect(ids.contains("etl"), "\(ids)")
        #expect(ids.contains { $0.hasPrefix("etl-") }, "the run beside the first one has its own id: \(ids)")
        #expect(jobs.first { $0["id"] == .string("etl") }?["run"] == .int(2), "\(report.out)")
    }

    /// Waits until the engine knows a job with this id.
    private func waitForJob(_ id: String, _ sock: String) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let r = try? runPipetop(["report", id, "--format", "json", "--socket", sock]), r.status == 0 { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
