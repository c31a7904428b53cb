import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// A queued job over the real socket: waiting (with its wait, on the dashboard too), then
/// running when told, then completed, its run timed from when it started.
@Suite("Queued jobs end to end", .serialized)
struct QueuedJobEndToEndTests {
    func job(_ sock: String, _ id: String) throws -> JSONValue? {
        let r = try runPipetop(["report", id, "--format", "json", "--socket", sock])
        guard case .array(let jobs)? = (try JSONParser.parse(r.out))["jobs"] else { return nil }
        return jobs.first
    }

    @Test func queuedThenRunningThenCompletedWithTheDashboardShowingTheWait() throws {
        let dir = try scratchDir()
        let sock = dir + "/q.sock"
        let daemon = try startDaemon(sock, ["--db", ":memory:", "--sample-interval", "0"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        #expect(try send(c, [#"{"type":"job.start","job":"render-7","name":"render","phases":["frames","encode"],"state":"pending"}"#,
                             #"{"type":"job.start","job":"imp","name":"import","phases":["a"]}"#]).isEmpty)

        let waiting = try #require(try job(sock, "render-7"))
        #expect(waiting["status"] == .string("pending"), "\(waiting)")
        #expect(waiting["waited_s"]?.number != nil)
        let text = try runPipetop(["report", "render-7", "--socket", sock])
        #expect(text.out.range(of: #"^render \(render-7\): pending, waiting to run for \d+s\n"#, options: .regularExpression) != nil, "\(text.out)")
        let (_, health, _) = try statusJSON(sock)
        #expect(health?["queue"]?["waiting"] == .int(1), "\(String(describing: health))")

        // The dashboard: the header counts it apart, its row says how long it has waited.
        let pane = try TmuxPane("\(pipetopBinary) --socket \(sock)", width: 120, height: 16, env: ["LANG": "C.UTF-8"])
        let (shown, screen) = pane.waitFor(15) { s in
            let row = s.split(separator: "\n").first { $0.contains("render") }
            return s.contains("2 jobs: 1 running, 1 waiting") && row?.contains("○ render") == true
                && row?.range(of: #"waiting [1-9]\d*s\s*$"#, options: .regularExpression) != nil
        }
        #expect(shown, "\(screen)")

        Thread.sleep(forTimeInterval: 1.1)  // a wait of at least a second, to see it kept apart from the run
        #expect(try send(c, [#"{"type":"job.state","job":"render-7","state":"running"}"#,
                             #"{"type":"progress","job":"render-7","phase":"frames","done":5,"total":10}"#]).isEmpty)
        let running = try #require(try job(sock, "render-7"))
        #expect(running["status"] == .string("running"))
        let waited = try #require(running["waited_s"]?.number)
        #expect(waited >= 1, "\(running)")
        let (ran, after) = pane.waitFor(15) { s in s.contains("2 jobs: 2 running") && !s.contains("waiting") }
        #expect(ran, "\(after)")

        #expect(try send(c, [#"{"type":"job.end","job":"render-7","status":"completed"}"#]).isEmpty)
        let done = try #require(try job(sock, "render-7"))
        #expect(done["status"] == .string("completed"))
        #expect(done["waited_s"]?.number == waited)
        // Its run is timed from when it started running: the wait is not in its duration.
        func at(_ v: JSONValue?) throws -> Double {
            guard case .string(let s)? = v else { throw ClientError("no time") }
            return try TimeParse.iso(s)
        }
        let queuedAt = try at(waiting["started_at"]), startedAt = try at(done["started_at"]), endedAt = try at(done["ended_at"])
        #expect(abs(startedAt - queuedAt - waited) < 0.01, "queued \(queuedAt), started \(startedAt), waited \(waited)")
        #expect(abs(try #require(done["duration_s"]?.number) - (endedAt - startedAt)) < 0.01)
        let (_, h2, _) = try statusJSON(sock)
        #expect(h2?["queue"]?["waiting"] == .int(0))
    }
}

/// ISO 8601 times as reports write them (fractional seconds, UTC).
enum TimeParse {
    static func iso(_ s: String) throws -> Double {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = f.date(from: s) else { throw ClientError("not a time: \(s)") }
        return d.timeIntervalSince1970
    }
}
