import Foundation
import Testing
@testable import PipetopClient

/// The event stream as a WebSocket on `/api/v1/events` (same path, `Upgrade: websocket`), from
/// a real client over TCP: the same frames and filters as Server-Sent Events, the token asked
/// for beyond loopback, a refused token or filter answered as plain HTTP before any upgrade.
@Suite(.serialized) struct WebSocketStreamTests {
    func client(_ port: UInt16, _ path: String, want: Int, headers: [String: String] = [:]) throws -> [String] {
        let dir = try scratchDir()
        try webSocketClientScript.write(toFile: dir + "/ws.py", atomically: true, encoding: .utf8)
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        let r = try runProcess("/usr/bin/python3", [dir + "/ws.py", "127.0.0.1", "\(port)", path, "\(want)", headerJSON])
        #expect(r.status == 0, "\(r.err)")
        return r.out.split(separator: "\n").map(String.init)
    }

    func daemon(host: String) throws -> (Process, EngineConnection, UInt16, String) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort()
        let p = try startDaemon(sock, ["--sample-interval", "0", "--http", "\(host):\(port)", "--http-token-file", dir + "/token"])
        try #require(waitForHTTP(port), "the daemon's --http listener did not start")
        let c = try EngineConnection(path: sock)
        _ = try send(c, [#"{"type":"job.start","job":"a","name":"a","phases":["x"]}"#,
                         #"{"type":"job.start","job":"b","name":"b","phases":["x"]}"#,
                         #"{"type":"progress","job":"b","phase":"x","done":1}"#,
                         #"{"type":"progress","job":"a","phase":"x","done":1}"#,
                         #"{"type":"progress","job":"a","phase":"x","done":2}"#])
        return (p, c, port, try #require(tokenWritten(dir + "/token")))
    }

    @Test func theSameFramesAndFiltersAsServerSentEvents() throws {
        let (p, c, port, _) = try daemon(host: "127.0.0.1")
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        let got = try client(port, "/api/v1/events?job=a&type=progress&since=0", want: 2)
        #expect(got.first == "HTTP/1.1 101 Switching Protocols", "\(got)")
        let frames = got.dropFirst().compactMap { jsonObject($0) }
        // The 4th and 5th events (numbers start where the engine's clock stood).
        let seqs = frames.compactMap { $0["seq"] as? Int }
        try #require(seqs.count == 2, "\(got)")
        #expect(seqs[1] == seqs[0] + 1, "\(got)")
        #expect(frames.map { ($0["event"] as? [String: Any])?["job"] as? String } == ["a", "a"])
        // Resumed after the first: only the second.
        let resumed = try client(port, "/api/v1/events?job=a&since=\(seqs[0])", want: 1)
        #expect(resumed.dropFirst().first.flatMap { jsonObject($0)?["seq"] as? Int } == seqs[1], "\(resumed)")
        // A bad filter is refused before the upgrade, as the SSE form is: 400 and the sentence.
        let bad = try client(port, "/api/v1/events?since=soon", want: 1)
        #expect(bad.first == "HTTP/1.1 400 Bad Request", "\(bad)")
        #expect(bad.dropFirst().first.flatMap { jsonObject($0)?["error"] as? String } == "since wants the number of the last event seen (got soon)", "\(bad)")
    }

    /// Only the event stream takes a WebSocket: an upgrade asked elsewhere is answered as
    /// plain HTTP (it was a dropped connection, with nothing said).
    @Test func anUpgradeOnAnotherPathIsAnsweredAsPlainHTTP() throws {
        let (p, c, port, _) = try daemon(host: "127.0.0.1")
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        let board = try client(port, "/api/v1/board", want: 1)
        #expect(board.first == "HTTP/1.1 200 OK", "\(board)")
        let nothing = try client(port, "/api/v1/nothing", want: 1)
        #expect(nothing.first == "HTTP/1.1 404 Not Found", "\(nothing)")
    }

    /// Browsers let any page open a WebSocket to any host: a page of another origin is refused
    /// (it could read every event from a loopback listener, which asks no token), the page of
    /// this listener's own origin and a client that says no origin are served.
    @Test func aPageOfAnotherOriginMayNotOpenTheStream() throws {
        let (p, c, port, _) = try daemon(host: "127.0.0.1")
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        for origin in ["http://evil.example", "http://127.0.0.1:\(port + 1)", "null"] {
            let refused = try client(port, "/api/v1/events?since=0", want: 1, headers: ["Origin": origin])
            #expect(refused.first == "HTTP/1.1 403 Forbidden", "\(origin): \(refused)")
        }
        for origin in ["http://127.0.0.1:\(port)", "http://127.0.0.1:\(port)/"] {
            let served = try client(port, "/api/v1/events?since=0", want: 1, headers: ["Origin": origin])
            #expect(served.first == "HTTP/1.1 101 Switching Protocols", "\(origin): \(served)")
        }
    }

    @Test func beyondLoopbackTheTokenIsAskedFor() throws {
        let (p, c, port, token) = try daemon(host: "0.0.0.0")
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        // Refused before the upgrade (it takes no stream place): 401 and the sentence.
        let refused = try client(port, "/api/v1/events?since=0", want: 1)
        #expect(refused.first == "HTTP/1.1 401 Unauthorized", "\(refused)")
        let said = refused.dropFirst().first.flatMap { jsonObject($0) }
        #expect((said?["error"] as? String)?.contains("pipetop token") == true, "\(refused)")
        let taken = try client(port, "/api/v1/events?since=0", want: 1, headers: ["Authorization": "Bearer \(token)"])
        // The engine's first event (the job.start).
        #expect(taken.dropFirst().first.flatMap { (jsonObject($0)?["event"] as? [String: Any])?["type"] as? String } == "job.start", "\(taken)")
    }
}
