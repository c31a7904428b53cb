import Foundation
import Testing
@testable import PipetopClient

/// The new user's way to the page from a laptop: `pipetop daemon --http PORT` on a server,
/// `ssh -L LOCAL:127.0.0.1:PORT server`, then `http://localhost:LOCAL`. A real OpenSSH server
/// and client on loopback: the page, the Board, the event stream and an acknowledgement with
/// the token all go through the tunnel.
@Suite(.serialized) struct WebThroughSSHTests {
    @Test func thePageAPIAndEventStreamThroughAnSSHTunnel() throws {
        try #require(SSHServer.available, "Debian's openssh-server is needed (.ci/run installs it)")
        let server = try SSHServer()
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort(), local = try freePort()
        let daemon = try startDaemon(sock, ["--sample-interval", "0", "--http", "\(port)", "--http-token-file", dir + "/token"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        try #require(waitForHTTP(port))
        let token = try #require(tokenWritten(dir + "/token"))

        // The laptop's side: a tunnel to the server's loopback port.
        let ssh = try spawnServer(["/usr/bin/ssh", "-N", "-L", "\(local):127.0.0.1:\(port)"] + server.options.flatMap { ["-o", $0] }
                                  + ["-o", "ExitOnForwardFailure=yes", "\(NSUserName())@127.0.0.1"], log: dir + "/ssh.log")
        defer { stopChild(ssh) }
        let base = "http://127.0.0.1:\(local)"
        // The local port takes connections once ssh is logged in; the page answers once the
        // forward reaches the engine.
        let page = try #require(pollValue(seconds: 20) { () -> (status: Int, headers: [String: String], body: String)? in
            let r = webRequest(base + "/"); return r.status == 200 ? r : nil
        }, "the page did not come through the tunnel: \((try? String(contentsOfFile: dir + "/ssh.log", encoding: .utf8)) ?? "")")
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.body.contains("<title>pipetop</title>"))

        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"far","name":"far away import","phases":["load"]}"#,
                         #"{"type":"progress","job":"far","phase":"load","done":7,"total":10}"#,
                         #"{"type":"alert","job":"far","severity":"warning","message":"slow disk","name":"disk"}"#])
        // The same jobs as in the terminal, without the token (the engine sees loopback).
        let board = webRequest(base + "/api/v1/board")
        #expect(board.status == 200)
        let jobs = jsonObject(board.body)?["jobs"] as? [[String: Any]]
        #expect(jobs?.first?["name"] as? String == "far away import", "\(board.body.prefix(300))")
        #expect(jobs?.first?["done"] as? Int == 7)

        // The event stream through the tunnel: everything kept, as the page resumes.
        let script = """
        import sys, signal, urllib.request
        signal.pthread_sigmask(signal.SIG_SETMASK, []); signal.alarm(30)
        with urllib.request.urlopen(sys.argv[1], timeout=20) as r:
            for raw in r:
                line = raw.decode().rstrip("\\n")
                if line.startswith("data: "): print(line[6:], flush=True); break
        """
        let stream = try runProcess("/usr/bin/python3", ["-c", script, base + "/api/v1/events?type=progress&since=0"])
        #expect(stream.out.contains(#""done":7"#), "\(stream.out)\(stream.err)")

        // Acknowledging needs the token, through the tunnel as anywhere.
        let alertID = try #require((jsonObject(webRequest(base + "/api/v1/alerts").body)?["alerts"] as? [[String: Any]])?.first?["id"] as? String)
        let path = base + "/api/v1/alerts/" + alertID.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "/ack"
        #expect(webRequest(path, method: "POST", body: #"{"by":"laptop"}"#).status == 401)
        #expect(webRequest(path, method: "POST", token: token, body: #"{"by":"laptop"}"#).status == 200)
        let alerts = try runPipetop(["alerts", "--socket", sock])
        #expect(alerts.out.contains("acknowledged by web:laptop"), "\(alerts.out)")
    }
}
