import Foundation
import Testing
@testable import PipetopClient
import PipetopCore

/// The Node client (clients/node) against the real engine, run by the real node
/// (/usr/bin/node from Debian, as on CI), with the scripts in clients/node/test.
@Suite("Node client")
struct NodeClientTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let node = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/node"

    /// Runs a script of clients/node/test, given up after `seconds` (a client that blocks
    /// the program shows as status 124, not as a test that never ends).
    static func run(_ script: String, _ args: [String] = [], env: [String: String], seconds: Int = 60) throws -> (status: Int32, out: String, err: String) {
        try runProcess("/usr/bin/timeout", ["-s", "KILL", "\(seconds)", node, root + "/clients/node/test/" + script] + args,
                       env: env.merging(["PIPETOP_JOB": "", "NODE_OPTIONS": ""]) { _, n in n })
    }

    /// The engine's state once `ok` holds (asked again for up to `seconds`).
    static func state(_ sock: String, seconds: Double = 30, until ok: (PipelineState) -> Bool) throws -> PipelineState? {
        let deadline = Date().addingTimeInterval(seconds)
        var last: PipelineState?
        while Date() < deadline {
            last = try engineState(sock, until: ok)
            if let s = last, ok(s) { return s }
        }
        return last
    }

    @Test func aJobWithEveryCallReachesTheEngine() throws {
        let d = try Daemon()
        let r = try Self.run("progress.js", env: ["PIPETOP_SOCKET": d.sock])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        // resume(): nothing before the run, the last checkpoint's data after it.
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"before":null,"after":{"page":3,"cursor":"abc"}}"#, "\(r.out)\n\(r.err)")
        let s = try #require(try Self.state(d.sock) { $0[job: "node-imp"]?.state == .completed })
        let job = try #require(s[job: "node-imp"])
        #expect(job.state == .completed && job.labels == ["team": "cryo"])
        let fetch = try #require(job.phase("fetch")), load = try #require(job.phase("load"))
        #expect(fetch.done == 997 && fetch.failed == 2 && fetch.skipped == 1 && fetch.total == 1000 && fetch.state == .done, "\(fetch)")
        #expect(fetch.steps["page 3"]?.state == .done)
        #expect(load.done == 8 && load.failed == 2 && load.state == .done, "\(load)")
        #expect(job.checkpoints.last?.name == "fetched" && job.metrics.first?.name == "rows_rejected" && job.metrics.first?.value == 7)
        #expect(job.logs.contains { $0.message == "retrying page 17" && $0.level == .warn && $0.category == "http" }, "\(job.logs)")
        #expect(job.logs.contains { $0.message == "2 items failed" && $0.category == "NETWORK" && $0.phase == "load" }, "\(job.logs)")
        #expect(job.pause != nil, "job.state paused never reached the engine")
        let alert = try #require(s.alerts.all.first { $0.job == "node-imp" && $0.kind == "event:quota" }, "\(s.alerts.all)")
        #expect(alert.severity == .critical && alert.message == "API quota at 90%" && alert.labels?["owner"] == "ana", "\(alert)")
        #expect(alert.context?["used"] == .double(0.9), "\(String(describing: alert.context))")
    }

    /// An exception nobody catches ends the process; the job it left running fails with the
    /// exception's text, and Node still prints it and exits non-zero as it would without us.
    @Test func anUncaughtExceptionFailsTheJobWithItsText() throws {
        let d = try Daemon()
        let r = try Self.run("fail.js", env: ["PIPETOP_SOCKET": d.sock])
        #expect(r.status == 1 && r.err.contains("bad row 3"), "\(r.status)\n\(r.err)")
        let s = try #require(try Self.state(d.sock) { $0[job: "node-fail"]?.state == .failed })
        let job = try #require(s[job: "node-fail"])
        #expect(job.state == .failed && job.error == "Error: bad row 3", "\(String(describing: job.error))")
        let parse = try #require(job.phase("parse"))
        #expect(parse.state == .failed && parse.done == 2 && parse.error == "Error: bad row 3", "\(parse)")
        #expect(job.logs.contains { $0.level == .error && $0.message.contains("fail.js") }, "the stack is not in the log: \(job.logs)")
    }

    /// A job ended canceled leaves its running phase to the engine, which ends it canceled (not
    /// failed, no error), with the counts it reached and its running step canceled.
    @Test func cancelingAJobCancelsItsRunningPhaseNotFailsIt() throws {
        let d = try Daemon()
        let r = try Self.run("canceled.js", env: ["PIPETOP_SOCKET": d.sock])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        let s = try #require(try Self.state(d.sock) { $0[job: "node-cancel"]?.state == .canceled })
        let fetch = try #require(s[job: "node-cancel"]?.phase("fetch"))
        #expect(fetch.state == .canceled && fetch.error == nil && fetch.done == 4, "\(fetch)")
        #expect(fetch.steps["page 5"]?.state == .canceled)
        #expect(s[job: "node-cancel"]?.phase("load")?.state == .pending)
    }

    /// A step state or phase status only the engine may say (canceled), or none at all, is
    /// refused at the call with a sentence (as Swift's types and Python's ValueError do), and the
    /// job goes on: nothing refused reached the engine to be answered unseen.
    @Test func aStateOnlyTheEngineMaySayIsRefusedAtTheCall() throws {
        let d = try Daemon()
        let r = try Self.run("badstates.js", env: ["PIPETOP_SOCKET": d.sock])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines == [
            #"TypeError: a step's state is one of running, done, failed, not "canceled""#,
            #"TypeError: a step's state is one of running, done, failed, not "skipped""#,
            #"TypeError: a phase ends done, failed, skipped, not "canceled""#,
        ], "\(r.out)\n\(r.err)")
        let s = try #require(try Self.state(d.sock) { $0[job: "node-states"]?.state == .completed })
        let fetch = try #require(s[job: "node-states"]?.phase("fetch"))
        #expect(fetch.state == .done && fetch.done == 2 && fetch.steps["page 1"]?.state == .done, "\(fetch)")
    }

    /// No engine while the script runs: its events go to the spool (the same file, modes and
    /// times as the other clients'), and the next engine on the socket applies them.
    @Test func withNoEngineTheJobIsSpooledAndTheNextEngineGetsIt() throws {
        let p = try PrivatePlace()
        let r = try Self.run("spooled.js", ["node-spooled", "3"], env: p.env)
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        let lines = p.spooled
        #expect(lines.first?.contains(#""type":"job.start""#) == true && lines.last?.contains(#""type":"job.end""#) == true, "\(lines)")
        #expect(lines.allSatisfy { $0.contains(#""ts":"#) })
        var st = stat()
        #expect(stat(p.spoolFile, &st) == 0 && st.st_mode & 0o777 == 0o600)
        #expect(stat((p.spoolFile as NSString).deletingLastPathComponent, &st) == 0 && st.st_mode & 0o777 == 0o700)
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        let s = try #require(try Self.state(p.sock) { $0[job: "node-spooled"]?.state == .completed })
        let job = try #require(s[job: "node-spooled"])
        let fetch = try #require(job.phase("fetch"))
        // The phase's duration is the one it had, from the events' own times.
        #expect(fetch.done == 2 && (fetch.endedAt ?? 0) - (fetch.startedAt ?? 0) >= 0.45, "\(fetch)")
        #expect(job.logs.contains { $0.message == "line 2" })
        #expect(!FileManager.default.fileExists(atPath: p.spoolFile))
    }

    /// Nobody listening at the socket path (a socket file an engine killed with SIGKILL left,
    /// or a regular file): each job's end spools at once (it waited 1 s each for a connection
    /// that could not come), and the next engine on the socket gets all five.
    @Test(arguments: ["stale socket", "regular file"])
    func withAStaleSocketFileJobsEndAtOnceAndTheNextEngineGetsThem(leftover: String) throws {
        let p = try PrivatePlace()
        if leftover == "stale socket" { try staleSocket(p.sock) } else { FileManager.default.createFile(atPath: p.sock, contents: nil) }
        let r = try Self.run("stale.js", env: p.env)
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        let ms = Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max
        #expect(ms < 500, "5 jobs took \(ms) ms with a \(leftover) at the socket path")
        print("node client: 5 jobs with a \(leftover) at the socket path: \(ms) ms")
        let ends = p.spooled.filter { $0.contains(#""type":"job.end""#) }
        #expect(ends.count == 5, "\(p.spooled)")
        if leftover == "regular file" { unlink(p.sock) }  // an engine replaces only a stale socket
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        let s = try #require(try Self.state(p.sock) { s in (0..<5).allSatisfy { s[job: "node-stale-\($0)"]?.state == .completed } })
        #expect(s[job: "node-stale-4"]?.phase("p")?.done == 2)
    }

    /// An engine that stopped reading (SIGSTOP) never holds the script up: it ends on its own
    /// (the run would be killed, status 124/137, if a write waited), and what the socket did not
    /// take went to the spool: once the engine runs again, nothing is missing.
    @Test func aStalledEngineNeverBlocksTheScript() throws {
        let p = try PrivatePlace()
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { kill(d.processIdentifier, SIGCONT); d.terminate(); d.waitUntilExit() }
        kill(d.processIdentifier, SIGSTOP)
        let n = 12_000  // more than the client's buffer of 10,000 lines, and than a socket takes
        let r = try Self.run("spooled.js", ["node-stalled", "\(n)"], env: p.env, seconds: 30)
        #expect(r.status == 0, "the script did not end on its own: \(r.status)\n\(r.err)")
        #expect(!p.spooled.isEmpty, "nothing was spooled though the engine read nothing")
        kill(d.processIdentifier, SIGCONT)
        let s = try #require(try Self.state(p.sock, seconds: 120) { $0[job: "node-stalled"]?.state == .completed })
        let job = try #require(s[job: "node-stalled"])
        #expect(job.state == .completed && job.phase("load")?.done == 1)
        #expect(job.logs.contains { $0.message == "line \(n - 1)" }, "the last line is missing: \(job.logs.suffix(3))")
    }
}
