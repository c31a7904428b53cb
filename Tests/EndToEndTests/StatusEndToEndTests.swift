import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// The `status` answer as JSON (`--json`), parsed.
func statusJSON(_ sock: String) throws -> (status: Int32, json: JSONValue?, err: String) {
    let r = try runPipetop(["status", "--json", "--socket", sock])
    return (r.status, try? JSONParser.parse(r.out), r.err)
}

/// `pipetop status` against the real engine: exit 0 healthy, 1 degraded, 2 unhealthy or no
/// engine, each reason a sentence; the same verdict in /metrics.
@Suite("pipetop status", .serialized)
struct StatusEndToEndTests {
    @Test func aHealthyEngineSaysSoWithItsJobsAndQueueAndNoEngineIsExitTwo() throws {
        let dir = try scratchDir()
        let sock = dir + "/s.sock", port = try freePort()
        let daemon = try startDaemon(sock, ["--db", dir + "/p.db", "--sample-interval", "1", "--metrics", "127.0.0.1:\(port)"])
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"r1","name":"render","state":"pending"}"#,
                             #"{"type":"job.start","job":"r2","name":"render","state":"pending"}"#,
                             #"{"type":"job.start","job":"imp","name":"import"}"#]).isEmpty)
        c.close()

        let text = try runPipetop(["status", "--socket", sock])
        #expect(text.status == 0, "\(text)")
        #expect(text.out.hasPrefix("pipetop 0.1.0: healthy\n"), "\(text.out)")
        #expect(text.out.contains("database  \(dir)/p.db: writable"), "\(text.out)")
        #expect(text.out.contains("jobs      2 waiting, 1 running"), "\(text.out)")
        #expect(text.out.contains("queue     2 waiting to run"), "\(text.out)")

        let (rc, json, _) = try statusJSON(sock)
        #expect(rc == 0)
        #expect(json?["schema"] == .string("pipetop.status/1"))
        #expect(json?["status"] == .string("healthy"))
        #expect(json?["reasons"] == .array([]))
        #expect(json?["jobs"]?["pending"] == .int(2) && json?["jobs"]?["running"] == .int(1), "\(String(describing: json))")
        #expect(json?["queue"]?["waiting"] == .int(2))
        #expect(json?["database"]?["writable"] == .bool(true))

        let metrics = httpGet("http://127.0.0.1:\(port)/metrics").body
        #expect(metrics.contains("\npipetop_engine_health 0\n"), "\(metrics)")
        #expect(metrics.contains(#"pipetop_engine_health_check{check="database"} 0"#))
        #expect(metrics.contains(#"pipetop_engine_jobs{state="pending"} 2"#))
        #expect(metrics.contains(#"pipetop_job_waited_seconds{job_id="r1",pipeline="render"} "#) && !metrics.contains(#"pipetop_job_duration_seconds{job_id="r1""#),
                "\(metrics)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
            let (prc, said) = try MetricsTests().promtool(metrics)
            #expect(prc == 0, "\(said)")
        }

        daemon.terminate()
        daemon.waitUntilExit()
        let none = try runPipetop(["status", "--socket", sock])
        #expect(none.status == 2)
        #expect(none.err.contains("pipetop status: no engine is listening on \(sock)") && none.err.contains("start one with `pipetop daemon`"), "\(none.err)")
        let (nrc, njson, _) = try statusJSON(sock)
        #expect(nrc == 2)
        #expect(njson?["status"] == .string("unhealthy"))
    }
}

/// A webhook nobody answers: its notifications keep failing, and `status` says so (degraded).
@Suite("pipetop status with a failing notifier", .serialized)
struct StatusNotifierTests {
    @Test func aTargetThatKeepsFailingIsDegradedAndNamed() throws {
        let port = try freePort()  // nothing listens there: every attempt is refused
        let d = try NotifyTests.ConfiguredDaemon { _ in "[[notify]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:\(port)/hook\"\ntimeout = 2\nattempts = 10\nmin_severity = \"info\"\n" }
        #expect(try runPipetop(["status", "--socket", d.sock]).status == 0)
        try d.send([#"{"type":"job.start","job":"j","name":"j"}"#,
                    #"{"type":"alert","job":"j","severity":"critical","message":"disk quota","name":"quota"}"#])
        var seen = (status: Int32(0), out: "", err: "")
        #expect(poll(seconds: 30) {
            seen = (try? runPipetop(["status", "--socket", d.sock])) ?? seen
            return seen.status == 1
        }, "\(seen)")
        #expect(seen.out.range(of: #"degraded: notifications to webhook http://127.0.0.1:\d+/hook keep failing: the last \d+ attempts failed \(.+\)"#, options: .regularExpression) != nil,
                "\(seen.out)")
        #expect(seen.out.contains("  notify    "), "\(seen.out)")
    }
}

/// The database's disk fills: degraded (events wait in memory), then unhealthy once events are
/// refused, then healthy again when there is room.
@Suite("pipetop status on a full disk", .serialized, .enabled(if: SmallDisk.canMount, "mounting a tmpfs is not permitted here (needs root): skipped"))
struct StatusFullDiskTests {
    @Test func anUnwritableDatabaseIsDegradedThenUnhealthyWhenEventsAreRefused() throws {
        let disk = try SmallDisk(megabytes: 48)
        let sock = disk.dir + "/e.sock", db = disk.path + "/pipetop.db", port = try freePort()
        let pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0",
                                   "--metrics", "127.0.0.1:\(port)"], log: disk.dir + "/daemon.log")
        defer { stopChild(pid) }
        #expect(waitForEngine(sock))
        let conn = try EngineConnection(path: sock)
        defer { conn.close() }
        #expect(try send(conn, [#"{"type":"job.start","job":"j","phases":["a"]}"#]).isEmpty)
        #expect(try runPipetop(["status", "--socket", sock]).status == 0)

        disk.fill()
        try conn.send(#"{"type":"progress","job":"j","phase":"a","done":1,"total":1000000}"# + "\n")
        var degraded = (status: Int32(0), out: "", err: "")
        #expect(poll(seconds: 30) {
            degraded = (try? runPipetop(["status", "--socket", sock])) ?? degraded
            return degraded.status == 1
        }, "\(degraded)")
        #expect(degraded.out.hasPrefix("pipetop 0.1.0: degraded\n"), "\(degraded.out)")
        #expect(degraded.out.contains("degraded: the database \(db) cannot be written (No space left on device);")
                && degraded.out.contains(" in memory (up to 100000) and ") && degraded.out.contains(" written when it can be"), "\(degraded.out)")
        let metrics = httpGet("http://127.0.0.1:\(port)/metrics").body
        #expect(metrics.contains("\npipetop_engine_health 1\n") && metrics.contains(#"pipetop_engine_health_check{check="database"} 1"#), "\(metrics)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
            let (prc, said) = try MetricsTests().promtool(metrics)
            #expect(prc == 0, "\(said)")
        }

        // Past the memory bound events are refused: unhealthy, exit 2.
        var sent = 1
        var refused = false
        while !refused && sent < 130_000 {
            var text = ""
            for _ in 0..<2_000 {
                sent += 1
                text += #"{"type":"progress","job":"j","phase":"a","done":\#(sent),"total":1000000}"# + "\n"
            }
            try conn.send(text + #"{"type":"sync","id":"c\#(sent)"}"# + "\n")
            while let line = try conn.readLine(timeout: 30) {
                let reply = Reply.parse(line)
                if case .error(_, let reason)? = reply, reason.hasPrefix("not applied") { refused = true }
                if case .syncFailed(.string("c\(sent)"), _, _)? = reply { break }
                if case .synced(.string("c\(sent)"), _)? = reply { break }
            }
        }
        #expect(refused)
        let (urc, ujson, _) = try statusJSON(sock)
        #expect(urc == 2)
        #expect(ujson?["status"] == .string("unhealthy"))
        guard case .array(let reasons)? = ujson?["reasons"], case .string(let said)? = reasons.first?["message"] else {
            Issue.record("no reason: \(String(describing: ujson))"); return
        }
        #expect(said.hasPrefix("events are being refused: the database \(db) cannot be written (No space left on device)"), "\(said)")
        #expect(ujson?["database"]?["refusing"] == .bool(true))

        // Room again: healthy once everything held is written.
        disk.free()
        var healthy = (status: Int32(-1), out: "", err: "")
        #expect(poll(seconds: 60) {
            healthy = (try? runPipetop(["status", "--socket", sock])) ?? healthy
            return healthy.status == 0
        }, "\(healthy)")
        #expect(healthy.out.contains("writable, 0 events waiting"), "\(healthy.out)")
    }
}
