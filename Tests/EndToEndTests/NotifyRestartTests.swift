import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopStore

/// What the notifier sent survives a restart of the engine: one failure is one `firing`
/// through clean restarts, a repeat keeps its cadence, a resolve after a restart is sent once,
/// and a notification recorded as sent is not sent again after kill -9.
@Suite("Notifications across restarts", .serialized)
struct NotifyRestartTests {
    /// A daemon with a config file and a database of its own, restarted at will.
    final class RestartableEngine {
        let dir: String
        let sock: String
        let db: String
        private(set) var pid: pid_t = 0
        private var starts = 0
        /// Seconds between /proc samples (0: none; a lost job needs them).
        private let sampleInterval: String
        init(config: String, sampleInterval: String = "0") throws {
            self.sampleInterval = sampleInterval
            dir = try scratchDir()
            sock = dir + "/d.sock"
            db = dir + "/p.db"
            try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
            try config.write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
            try start()
        }
        deinit {
            if pid > 0 { stopChild(pid) }
            try? FileManager.default.removeItem(atPath: dir)
        }
        func start() throws {
            starts += 1
            pid = try spawnServer(["/usr/bin/env", "XDG_CONFIG_HOME=\(dir)", pipetopBinary, "daemon", "--socket", sock, "--db", db,
                                   "--sample-interval", sampleInterval], log: dir + "/log\(starts)")
            guard waitForEngine(sock) else { throw ClientError("the daemon did not start: \(log)") }
        }
        /// SIGTERM, then a new engine on the same database.
        func restart() throws {
            stopChild(pid)
            try start()
        }
        func kill9() {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            pid = 0
        }
        var log: String { (try? String(contentsOfFile: dir + "/log\(starts)", encoding: .utf8)) ?? "" }
        func send(_ lines: [String]) throws {
            let c = try EngineConnection(path: sock)
            defer { c.close() }
            let replies = try EndToEndTests.send(c, lines)
            #expect(replies.isEmpty, "\(replies)")
        }
        /// Raises a fresh alert of job `k` and waits until `hook` has it: deliveries to one
        /// target go in order, so whatever the engine sent before it has arrived by then.
        func marker(_ name: String, at hook: HTTPReceiver) throws {
            try send([#"{"type":"job.start","job":"k","name":"k"}"#,
                      #"{"type":"alert","job":"k","severity":"critical","message":"marker \#(name)","name":"\#(name)"}"#])
            #expect(hook.wait { $0.contains { $0.body.contains("marker \(name)") } }.contains { $0.body.contains("marker \(name)") },
                    "marker \(name) never came; \(log)")
        }
    }

    static func webhook(_ hook: HTTPReceiver, repeat seconds: Int? = nil) -> String {
        "[[notify]]\ntype = \"webhook\"\nurl = \"\(hook.url)/hook\"\n" + (seconds.map { "repeat = \($0)\n" } ?? "")
    }

    static let failedJob = [
        #"{"type":"job.start","job":"j","name":"train"}"#,
        #"{"type":"job.end","job":"j","status":"failed","error":"exit status 1"}"#,
    ]
    static let id = "j/-/job-failed#1"

    static func iso8601(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }

    func count(_ hook: HTTPReceiver, _ status: String, _ id: String = Self.id) -> Int {
        hook.requests.filter { $0.body.contains(#""status":"\#(status)""#) && $0.body.contains(#""id":"\#(id)""#) }.count
    }

    @Test func oneFailureIsOneFiringThroughThreeRestartsAndItsResolveIsSentOnce() throws {
        let hook = try HTTPReceiver()
        defer { hook.close() }
        let e = try RestartableEngine(config: Self.webhook(hook))
        try e.send(Self.failedJob)
        #expect(hook.wait { _ in count(hook, "firing") == 1 }.isEmpty == false)
        try e.marker("m0", at: hook)
        #expect(count(hook, "firing") == 1)
        for i in 1...3 {
            try e.restart()
            try e.marker("m\(i)", at: hook)
            #expect(count(hook, "firing") == 1, "restart \(i) sent firing again: \(hook.requests.map(\.body))")
        }
        // Every marker, once each too.
        for i in 0...3 {
            #expect(hook.requests.filter { $0.body.contains("marker m\(i)") && $0.body.contains(#""status":"firing""#) }.count == 1)
        }

        // Acknowledged, then cleared while no engine runs (the clear waits in the spool): the
        // next engine sends `resolved`, once, and not again after another restart.
        let ack = try runPipetop(["ack", Self.id, "--socket", e.sock])
        #expect(ack.status == 0, "\(ack.err)")
        stopChild(e.pid)
        let clear = try runPipetop(["emit", "alerts.clear", "--job", "j", "alert=\(Self.id)", "--socket", e.sock])
        #expect(clear.status == 0, "\(clear.err)")
        try e.start()
        #expect(hook.wait { _ in count(hook, "resolved") == 1 }.isEmpty == false)
        try e.marker("m4", at: hook)
        #expect(count(hook, "resolved") == 1)
        try e.restart()
        try e.marker("m5", at: hook)
        #expect(count(hook, "resolved") == 1 && count(hook, "firing") == 1, "\(hook.requests.map(\.body))")
    }

    @Test func aRepeatKeepsItsCadenceAcrossARestart() throws {
        let hook = try HTTPReceiver()
        defer { hook.close() }
        let e = try RestartableEngine(config: Self.webhook(hook, repeat: 10))
        try e.send(Self.failedJob)
        #expect(poll(seconds: 10) { count(hook, "firing") == 1 })
        try e.restart()
        // The restart does not send it at once...
        try e.marker("m1", at: hook)
        #expect(count(hook, "firing") == 1, "\(hook.requests.map(\.body))")
        // ...but when its repeat is due, counted from the first send before the restart.
        #expect(poll(seconds: 25) { count(hook, "firing") == 2 }, "no repeat after the restart; \(e.log)")
        // Not before its time: the first send came after the alert opened, so the repeat is
        // due 10 s after `first_at` at the earliest (no upper bound: a loaded machine is late).
        let sent = hook.requests.filter { $0.body.contains(#""id":"\#(Self.id)""#) }
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent[0].body.utf8)) as? [String: Any])
        let opened = (body["alert"] as? [String: Any])?["first_at"] as? String ?? ""
        let firstAt = try #require(Self.iso8601(opened), "first_at: \(opened)")
        #expect(sent[1].at.timeIntervalSince(firstAt) >= 9.99, "repeat \(sent[1].at.timeIntervalSince(firstAt)) s after the alert opened")
    }

    @Test func aNotificationRecordedAsSentIsNotSentAgainAfterKill9() throws {
        let hook = try HTTPReceiver()
        defer { hook.close() }
        let e = try RestartableEngine(config: Self.webhook(hook))
        try e.send(Self.failedJob)
        #expect(poll(seconds: 10) { count(hook, "firing") == 1 })
        // Once the record is written (the moment after the send), kill -9 cannot undo it.
        let recorded = poll(seconds: 10) {
            ((try? Store.reading(e.db).notificationsSent()) ?? []).contains { $0.alert == Self.id && $0.status == "firing" }
        }
        #expect(recorded, "the notification was never recorded")
        e.kill9()
        try e.start()
        try e.marker("m1", at: hook)
        #expect(count(hook, "firing") == 1, "\(hook.requests.map(\.body))")
    }
}
