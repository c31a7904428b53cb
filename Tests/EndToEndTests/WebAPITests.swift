import Foundation
import Testing
import PipetopCore
@testable import PipetopClient

/// `pipetop daemon --http`: the Board, a job, its export and the alerts as JSON over real
/// HTTP from the real daemon; errors as JSON sentences; the token beyond loopback.
@Suite(.serialized) struct WebAPITests {
    /// A daemon with `--http HOST:PORT` and a job with an alert; its socket, port, token file.
    func daemon(host: String = "127.0.0.1", db: Bool = false) throws -> (Process, String, UInt16, String) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort(), tokenFile = dir + "/token"
        var args = ["--sample-interval", "0", "--http", "\(host):\(port)", "--http-token-file", tokenFile]
        if db { args += ["--db", dir + "/p.db"] }
        let p = try startDaemon(sock, args)
        try #require(waitForHTTP(port), "the daemon's --http listener did not start")
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"n1","name":"nightly import","phases":["fetch","load"]}"#,
                         #"{"type":"phase.start","job":"n1","phase":"fetch","total":1000}"#,
                         #"{"type":"progress","job":"n1","phase":"fetch","done":420,"failed":3}"#,
                         #"{"type":"log","job":"n1","level":"info","message":"fetched batch 4"}"#,
                         #"{"type":"alert","job":"n1","severity":"critical","message":"quota nearly full","name":"q"}"#])
        return (p, sock, port, tokenFile)
    }

    @Test func eachEndpointAnswersWhatTheEngineKnows() throws {
        let (p, _, port, tokenFile) = try daemon(db: true)
        defer { p.terminate(); p.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let board = webRequest(base + "/api/v1/board")
        #expect(board.status == 200)
        #expect(board.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(board.headers["access-control-allow-origin"] == nil, "no CORS")
        let b = try #require(jsonObject(board.body), "\(board.body)")
        let jobs = try #require(b["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["id"] as? String } == ["n1"])
        #expect(b["unacknowledged"] as? Int == 1)

        // One job, by id or by name: its phases and its log.
        for ref in ["n1", "nightly%20import"] {
            let job = webRequest(base + "/api/v1/jobs/" + ref)
            #expect(job.status == 200, "\(ref): \(job.body)")
            let j = try #require(jsonObject(job.body))
            #expect(j["id"] as? String == "n1")
            let phases = try #require(j["phases"] as? [[String: Any]])
            #expect(phases.map { $0["name"] as? String } == ["fetch", "load"])
            #expect(phases.first?["done"] as? Int == 420)
            #expect(job.body.contains("fetched batch 4"), "the log is there: \(job.body)")
        }

        let alerts = webRequest(base + "/api/v1/alerts")
        let a = try #require(jsonObject(alerts.body))
        #expect((a["alerts"] as? [[String: Any]])?.first?["message"] as? String == "quota nearly full")
        #expect(a["unacknowledged"] as? Int == 1)

        // The export: the job's events as JSON lines, each with when it was applied. The
        // journal writes within its window: wait for all five.
        var lines: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let export = webRequest(base + "/api/v1/jobs/n1/export")
            lines = export.body.split(separator: "\n").compactMap { jsonObject(String($0)) }
            if export.status == 200, lines.count == 5 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(lines.map { $0["type"] as? String } == ["job.start", "phase.start", "progress", "log", "alert"])
        #expect(lines.allSatisfy { $0["ts"] is Double })
        _ = tokenFile
    }

    @Test func errorsAreJSONSentences() throws {
        let (p, _, port, _) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        let missing = webRequest(base + "/api/v1/jobs/nope")
        #expect(missing.status == 404)
        #expect(jsonObject(missing.body)?["error"] as? String == "no job with the id or name 'nope'")
        let unknown = webRequest(base + "/api/v1/whatever")
        #expect(unknown.status == 404)
        #expect((jsonObject(unknown.body)?["error"] as? String)?.contains("/api/v1/board") == true)
        let wrongMethod = webRequest(base + "/api/v1/board", method: "DELETE")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"] == "GET, HEAD")
        #expect(jsonObject(wrongMethod.body)?["error"] is String)
        // Sent raw: URLSession would encode the % itself.
        let raw = try HTTPConnection(port: port)
        raw.send("GET", "/api/v1/jobs/%ZZ")
        let badEncoding = raw.answer()
        #expect(badEncoding?.status == 400, "\(String(describing: badEncoding))")
        #expect(jsonObject(badEncoding?.body ?? "")?["error"] as? String == "the job in the address is not a valid percent-encoded id or name: %ZZ")
        // No journal (:memory:): the export says why there is nothing.
        let export = webRequest(base + "/api/v1/jobs/n1/export")
        #expect(export.status == 404)
        #expect((jsonObject(export.body)?["error"] as? String)?.contains(":memory:") == true)
        // /metrics is served on the same listener.
        #expect(webRequest(base + "/metrics").body.contains("pipetop_engine_events_applied_total"))
    }

    /// The Board's jobs come in the order the dashboard lists them by default (the read
    /// model's `Board.byAttention`): they follow the alerts as people answer them.
    @Test func theBoardsJobsComeNeedingAttentionFirst() throws {
        let (p, sock, port, tokenFile) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        let t0 = Date().timeIntervalSince1970 - 100
        func start(_ id: String, _ k: Double, pending: Bool = false) -> String {
            #"{"type":"job.start","job":"\#(id)","name":"\#(id)","ts":\#(t0 + k)\#(pending ? #","state":"pending""# : "")}"#
        }
        _ = try send(c, [start("done", 1), #"{"type":"job.end","job":"done","status":"completed"}"#,
                         start("running", 2), start("alerting", 3),
                         #"{"type":"alert","job":"alerting","severity":"warning","message":"slow","name":"slow"}"#,
                         start("failed", 4), #"{"type":"job.end","job":"failed","status":"failed","error":"disk full"}"#,
                         start("waiting", 5, pending: true)])
        let base = "http://127.0.0.1:\(port)/api/v1"
        func order() throws -> [String] {
            let b = try #require(jsonObject(webRequest(base + "/board").body))
            return try #require(b["jobs"] as? [[String: Any]]).compactMap { $0["id"] as? String }
        }
        // n1 (`daemon()`'s job, with a critical alert, started just now) needs a person too.
        #expect(try order() == ["n1", "failed", "alerting", "waiting", "running", "done"])
        let alerts = try #require(jsonObject(webRequest(base + "/alerts?job=alerting").body)?["alerts"] as? [[String: Any]])
        let id = try #require(alerts.first?["id"] as? String)
        let token = try #require(tokenWritten(tokenFile))
        let encoded = try #require(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        #expect(webRequest(base + "/alerts/\(encoded)/ack", method: "POST", token: token, body: #"{"by":"alice"}"#).status == 200)
        // Acknowledged, it is one of the running jobs again.
        #expect(try order() == ["n1", "failed", "waiting", "alerting", "running", "done"])
    }

    /// DNS rebinding: on loopback, a request addressed to another name (a page of another site
    /// whose name resolves to 127.0.0.1) is refused; loopback names are served.
    @Test func onLoopbackOnlyLoopbackNamesAreServed() throws {
        let (p, _, port, _) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let c = try HTTPConnection(port: port)
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)", "LOCALHOST", "pipetop.localhost:\(port)", "127.0.0.2"] {
            c.send("GET", "/api/v1/board", host: host)
            #expect(c.answer()?.status == 200, "\(host)")
        }
        for host in ["evil.example:\(port)", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example:\(port)"] {
            let r = try HTTPConnection(port: port)
            r.send("GET", "/api/v1/board", host: host)
            let a = r.answer()
            #expect(a?.status == 421, "\(host): \(String(describing: a))")
            #expect(a?.body.contains("listens on the loopback only") == true)
            r.send("GET", "/metrics", host: host)
            #expect(r.answer()?.status == 421, "every service on the listener: \(host)")
        }
    }

    /// An answer is never a change that was not made: a second acknowledgement is refused with
    /// who acknowledged first. Filters take names, and a misspelt event type is said.
    @Test func aSecondAcknowledgementIsRefusedAndFiltersAreChecked() throws {
        let (p, _, port, tokenFile) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let token = try #require(tokenWritten(tokenFile))
        let base = "http://127.0.0.1:\(port)/api/v1"
        let alerts = try #require(jsonObject(webRequest(base + "/alerts").body)?["alerts"] as? [[String: Any]])
        let id = try #require(alerts.first?["id"] as? String).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(webRequest(base + "/alerts/\(id)/ack", method: "POST", token: token, body: #"{"by":"alice"}"#).status == 200)
        let again = webRequest(base + "/alerts/\(id)/ack", method: "POST", token: token, body: #"{"by":"bob"}"#)
        #expect(again.status == 409)
        #expect((jsonObject(again.body)?["error"] as? String)?.contains("already acknowledged by web:alice") == true, "\(again.body)")

        let bogus = webRequest(base + "/events?type=progres")
        #expect(bogus.status == 400)
        #expect((jsonObject(bogus.body)?["error"] as? String)?.hasPrefix("there is no event type 'progres': the types are job.start,") == true, "\(bogus.body)")
        // Alerts of one job, by its name; of another, none.
        let mine = jsonObject(webRequest(base + "/alerts?job=nightly%20import").body)?["alerts"] as? [[String: Any]]
        #expect(mine?.count == 1)
        let none = jsonObject(webRequest(base + "/alerts?job=other").body)?["alerts"] as? [[String: Any]]
        #expect(none?.isEmpty == true)
        #expect(webRequest(base + "/alerts?severity=critical").status == 400)
        // Each job carries its progress as the dashboard weighs it.
        let jobs = jsonObject(webRequest(base + "/board").body)?["jobs"] as? [[String: Any]]
        let progress = try #require(jobs?.first?["progress"] as? Double)
        #expect(progress > 0 && progress < 1, "\(progress)")
    }

    /// Each phase carries its progress as the dashboard says it (the read model's
    /// `BoardPhase.progressFacts` and `fraction`), so the page works out none of it: skipped
    /// items (found done) count, in a failed phase too; failed ones never; no total, no
    /// percent.
    @Test func eachPhaseCarriesItsProgressAsTheDashboardSaysIt() throws {
        let (p, sock, port, _) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        let errors = try send(c, [#"{"type":"job.start","job":"w","name":"w","phases":["a","b","c","d"]}"#,
                         #"{"type":"phase.start","job":"w","phase":"a","total":10}"#,
                         #"{"type":"progress","job":"w","phase":"a","done":1,"failed":1,"skipped":4}"#,
                         #"{"type":"phase.start","job":"w","phase":"b","total":10}"#,
                         #"{"type":"progress","job":"w","phase":"b","done":2,"skipped":3}"#,
                         #"{"type":"phase.end","job":"w","phase":"b","status":"failed","error":"no space"}"#,
                         #"{"type":"phase.start","job":"w","phase":"c"}"#,
                         #"{"type":"progress","job":"w","phase":"c","done":7}"#])
        #expect(errors.isEmpty, "\(errors)")
        let want: [String: (facts: [String], progress: Double?)] = [
            "a": (["5/10", "50%", "1 failed", "4 skipped"], 0.5), "b": (["5/10", "50%", "3 skipped"], 0.5),
            "c": (["7"], nil), "d": ([], nil)]
        let base = "http://127.0.0.1:\(port)/api/v1"
        let boardJobs = try #require(jsonObject(webRequest(base + "/board").body)?["jobs"] as? [[String: Any]])
        let fromBoard = try #require(boardJobs.first { $0["id"] as? String == "w" }?["phases"] as? [[String: Any]])
        let fromJob = try #require(jsonObject(webRequest(base + "/jobs/w").body)?["phases"] as? [[String: Any]])
        for (source, phases) in [("board", fromBoard), ("job", fromJob)] {
            #expect(phases.count == 4, "\(source)")
            for json in phases {
                let id = try #require(json["id"] as? String)
                #expect(json["progressFacts"] as? [String] == want[id]?.facts, "\(source) \(id): \(json)")
                #expect(json["progress"] as? Double == want[id]?.progress, "\(source) \(id): \(json)")
                // What the dashboard shows for the phase, from the same read model.
                let phase = try JSONDecoder().decode(BoardPhase.self, from: JSONSerialization.data(withJSONObject: json))
                #expect(json["progressFacts"] as? [String] == phase.progressFacts, "\(source) \(id)")
                #expect(json["progress"] as? Double == phase.fraction, "\(source) \(id)")
            }
        }
    }

    @Test func beyondLoopbackEveryRequestNeedsTheToken() throws {
        // Bound to every address: reached here over 127.0.0.1, but the listener is open to
        // other hosts, so the token is asked for whoever connects.
        let (p, _, port, tokenFile) = try daemon(host: "0.0.0.0")
        defer { p.terminate(); p.waitUntilExit() }
        let url = "http://127.0.0.1:\(port)/api/v1/board"
        let refused = webRequest(url)
        #expect(refused.status == 401)
        #expect(refused.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        #expect((jsonObject(refused.body)?["error"] as? String)?.contains("pipetop token") == true)
        #expect(webRequest(url, token: "0123456789abcdef0123456789abcdef").status == 401)

        // The file is private, and `pipetop token` prints what it holds.
        var st = stat()
        #expect(stat(tokenFile, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let printed = try runPipetop(["token", "--http-token-file", tokenFile])
        #expect(printed.status == 0)
        let token = printed.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count == 64)
        #expect(token == (try String(contentsOfFile: tokenFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
        let accepted = webRequest(url, token: token)
        #expect(accepted.status == 200)
        #expect(jsonObject(accepted.body)?["jobs"] is [Any])
        // Nearly right is refused all the same.
        #expect(webRequest(url, token: String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")).status == 401)
    }

    @Test func anAcknowledgementNeedsTheTokenEvenOnLoopbackAndIsRecordedAsWeb() throws {
        let (p, sock, port, tokenFile) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)/api/v1/alerts"
        let id = try #require((jsonObject(webRequest(base).body)?["alerts"] as? [[String: Any]])?.first?["id"] as? String)
        let url = base + "/" + id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "/ack"
        let body = #"{"by":"alice","comment":"on it"}"#
        #expect(webRequest(url, method: "POST", body: body).status == 401)
        #expect(webRequest(url, method: "POST", token: "not-the-token-at-all-0000", body: body).status == 401)
        #expect(jsonObject(webRequest(base).body)?["unacknowledged"] as? Int == 1, "refused: nothing changed")
        let token = try #require(tokenWritten(tokenFile))
        #expect(webRequest(url, method: "GET", token: token).status == 405)
        let bad = webRequest(url, method: "POST", token: token, body: #"{"by":"\u001b[2J"}"#)
        #expect(bad.status == 400, "\(bad)")
        #expect(webRequest(base + "/no-such-alert/ack", method: "POST", token: token).status == 404)
        let ok = webRequest(url, method: "POST", token: token, body: body)
        #expect(ok.status == 200, "\(ok)")
        // The engine has it, as the CLI sees it.
        let a = try #require((jsonObject(webRequest(base).body)?["alerts"] as? [[String: Any]])?.first)
        #expect((a["ack"] as? [String: Any])?["by"] as? String == "web:alice")
        #expect(jsonObject(webRequest(base).body)?["unacknowledged"] as? Int == 0)
        let cli = try runPipetop(["alerts", "--socket", sock])
        #expect(cli.out.contains("acknowledged by web:alice: on it"), "\(cli.out)")
    }

    @Test func aSilenceNeedsTheTokenAndMutesTheAlertsRuleForItsJob() throws {
        let (p, sock, port, tokenFile) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)/api/v1/alerts"
        let id = try #require((jsonObject(webRequest(base).body)?["alerts"] as? [[String: Any]])?.first?["id"] as? String)
        let url = base + "/" + id.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "/silence"
        #expect(webRequest(url, method: "POST", body: #"{"for":3600}"#).status == 401)
        let token = try #require(tokenWritten(tokenFile))
        let noLength = webRequest(url, method: "POST", token: token, body: #"{"by":"bob"}"#)
        #expect(noLength.status == 400)
        #expect((jsonObject(noLength.body)?["error"] as? String)?.contains("\"for\"") == true)
        let ok = webRequest(url, method: "POST", token: token, body: #"{"for":3600,"by":"bob","comment":"known"}"#)
        #expect(ok.status == 200, "\(ok)")
        #expect(jsonObject(webRequest(base).body)?["unacknowledged"] as? Int == 0, "a silenced alert does not ask for attention")
        let cli = try runPipetop(["alerts", "--socket", sock])
        #expect(cli.out.contains("by web:bob: known"), "\(cli.out)")
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        let (p, _, _, tokenFile) = try daemon()
        p.terminate(); p.waitUntilExit()
        chmod(tokenFile, 0o644)
        let r = try runPipetop(["token", "--http-token-file", tokenFile])
        #expect(r.status != 0)
        #expect(r.err.contains("can be read by other users"), "\(r.err)")
        let dir = try scratchDir()
        let d = try runPipetop(["daemon", "--socket", dir + "/d.sock", "--http", "\(try freePort())", "--http-token-file", tokenFile])
        #expect(d.status != 0)
        #expect(d.err.contains("--http: the web token file \(tokenFile) can be read by other users"), "\(d.err)")
    }
}
