import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopEngine
import PipetopWire

/// The web listener's two limits over real TCP from the real daemon: open event streams (a
/// page tab each) have places of their own, so scrapes and page loads are answered however
/// many are open, and a stream past the limit is told why; an upgrade that is refused takes
/// no place; and HEAD on every GET path.
@Suite(.serialized) struct WebStreamLimitTests {
    /// A daemon listening on `host` with a job and an alert; its port and token.
    func daemon(host: String = "127.0.0.1") throws -> (Process, UInt16, String) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort()
        let p = try startDaemon(sock, ["--sample-interval", "0", "--http", "\(host):\(port)", "--http-token-file", dir + "/token"])
        try #require(waitForHTTP(port), "the daemon's --http listener did not start")
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"n1","name":"nightly import","phases":["fetch"]}"#,
                         #"{"type":"alert","job":"n1","severity":"warning","message":"slow","name":"s"}"#])
        return (p, port, try #require(tokenWritten(dir + "/token")))
    }

    /// The head of a request for the event stream at `path`, as Server-Sent Events or a
    /// WebSocket, with the token when given and `extra` header lines.
    func streamHead(_ port: UInt16, _ path: String = "/api/v1/events", webSocket: Bool, token: String? = nil, extra: String = "") -> String {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n" + extra
        if webSocket { head += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        return head + "\r\n"
    }

    /// An event stream asked on a new connection, as Server-Sent Events or a WebSocket.
    func askStream(_ port: UInt16, webSocket: Bool = false, token: String? = nil) throws -> HTTPConnection {
        let c = try HTTPConnection(port: port)
        c.sendRaw(streamHead(port, webSocket: webSocket, token: token))
        return c
    }

    func get(_ port: UInt16, _ path: String) throws -> (status: Int, headers: [String: String], body: String)? {
        let c = try HTTPConnection(port: port)
        c.sendRaw("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return c.answerWithHeaders()
    }

    static let full = "the engine already serves \(HTTPListener.maxStreams) event streams, as many as it takes at once (each open page holds one): close one, or try again in \(HTTPListener.streamRetrySeconds) s"

    @Test func openStreamsLeaveScrapesAndTheBoardAnsweredAndOneMoreIsToldWhy() throws {
        let (p, port, _) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        var streams: [HTTPConnection] = []
        for i in 0..<HTTPListener.maxStreams {
            let s = try askStream(port, webSocket: i % 4 == 3)
            let h = try #require(s.head(), "stream \(i) got no answer")
            #expect(h.status == (i % 4 == 3 ? 101 : 200), "stream \(i)")
            streams.append(s)
        }
        // Every place for a stream taken, every place for a short request is still free:
        // that many connections at once are each answered (a scrape, the Board, the page),
        // and one more is closed as it comes, so the limit is really there.
        let paths = ["/metrics", "/api/v1/board", "/"]
        let short = try (0..<HTTPListener.maxConnections).map { _ in try HTTPConnection(port: port) }
        let oneMore = try HTTPConnection(port: port)
        #expect(oneMore.closedByServer(), "a connection past \(HTTPListener.maxConnections) is closed")
        for (i, c) in short.enumerated() {
            c.sendRaw("GET \(paths[i % paths.count]) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(c.answerWithHeaders()?.status == 200, "\(paths[i % paths.count]) on short connection \(i) with every stream taken")
        }
        // Each answered and closed by the engine: their places are free again.
        for c in short { #expect(c.closedByServer()) }
        // One more stream is refused, with a sentence and when to ask again, and closed.
        for webSocket in [false, true] {
            let refused = try askStream(port, webSocket: webSocket)
            let a = try #require(refused.answerWithHeaders(), "a refused stream (webSocket: \(webSocket)) got no answer")
            #expect(a.status == 503, "webSocket: \(webSocket)")
            #expect(a.headers["retry-after"] == "\(HTTPListener.streamRetrySeconds)")
            #expect(jsonObject(a.body)?["error"] as? String == Self.full, "\(a.body)")
            #expect(refused.closedByServer(), "a refused stream's connection is closed")
        }
        // A closed stream gives its place back. Closed the WebSocket way (a close frame,
        // masked as a client's are), the engine answers and closes it: once it has, the place
        // is free, and the next stream is taken at once.
        let ws = streams.remove(at: 3)
        ws.sendBytes([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8])  // close, 1000, mask 0
        #expect(ws.closedByServer(), "the engine closes a WebSocket that says close")
        #expect(try askStream(port).head()?.status == 200, "a stream's place is given back when it closes")
    }

    /// An upgrade to a WebSocket is checked (host, origin, token, filter) before it takes a
    /// stream place: one refused is answered as plain HTTP with its sentence and closed, and
    /// one whose body never comes (the upgrade is decided on the head) holds no place while
    /// it waits. Refused upgrades of every short-request place, and more held, leave every
    /// stream place to clients that may have one.
    @Test func refusedUpgradesTakeNoStreamPlace() throws {
        let (p, port, token) = try daemon(host: "0.0.0.0")
        defer { p.terminate(); p.waitUntilExit() }
        // As many as there are connection places, all open at once: no token, or a bad filter.
        let bad = try (0..<HTTPListener.maxConnections).map { _ in try HTTPConnection(port: port) }
        for (i, c) in bad.enumerated() {
            c.sendRaw(i % 2 == 0 ? streamHead(port, webSocket: true) : streamHead(port, "/api/v1/events?since=soon", webSocket: true, token: token))
        }
        for (i, c) in bad.enumerated() {
            let a = try #require(c.answerWithHeaders(), "refused upgrade \(i): no answer")
            let error = jsonObject(a.body)?["error"] as? String
            if i % 2 == 0 {
                #expect(a.status == 401 && a.headers["www-authenticate"]?.hasPrefix("Bearer") == true, "upgrade \(i) without the token: \(a)")
                #expect(error?.contains("pipetop token") == true, "\(a.body)")
            } else {
                #expect(a.status == 400, "upgrade \(i) with a bad filter: \(a)")
                #expect(error == "since wants the number of the last event seen (got soon)", "\(a.body)")
            }
            #expect(c.closedByServer(), "a refused upgrade's connection is closed")
        }
        // Held: a body announced that never comes. They keep their connections' places.
        let held = try (0..<(HTTPListener.maxConnections - 1)).map { _ in try HTTPConnection(port: port) }
        for c in held { c.sendRaw(streamHead(port, webSocket: true, extra: "Content-Length: 5\r\n")) }
        // Every stream place is there for streams with the token, and only those.
        var streams: [HTTPConnection] = []
        for i in 0..<HTTPListener.maxStreams {
            let s = try askStream(port, webSocket: i % 2 == 1, token: token)
            let h = try #require(s.head(), "stream \(i) beside refused and held upgrades got no answer")
            #expect(h.status == (i % 2 == 1 ? 101 : 200), "stream \(i) beside refused and held upgrades")
            streams.append(s)
        }
        let past = try #require(try askStream(port, webSocket: true, token: token).answerWithHeaders())
        #expect(past.status == 503 && jsonObject(past.body)?["error"] as? String == Self.full, "\(past)")
        _ = held
    }

    @Test func headIsAnsweredAsGetWithoutTheBodyOnEveryGetPath() throws {
        let (p, port, _) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        let paths = ["/", "/index.html", "/metrics", "/api/v1/board", "/api/v1/alerts", "/api/v1/alerts?job=n1", "/api/v1/jobs/n1",
                     "/api/v1/jobs/nightly%20import", "/api/v1/jobs/n1/export", "/api/v1/jobs/nope", "/api/v1/nothing", "/nothing"]
        // One connection for all: an answer to HEAD that carried a body would garble the next.
        let c = try HTTPConnection(port: port)
        for path in paths + ["/api/v1/events"] {
            c.sendRaw("HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let head = try #require(c.head(), "HEAD \(path): no answer")
            #expect(head.after.isEmpty, "HEAD \(path) came with a body: \(String(decoding: head.after, as: UTF8.self))")
            #expect(head.status != 405, "HEAD \(path)")
            guard path != "/api/v1/events" else {
                // The stream's head, and no stream: the connection takes the next request.
                #expect(head.status == 200 && head.headers["content-type"]?.hasPrefix("text/event-stream") == true, "\(head)")
                c.sendRaw("GET /api/v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                #expect(c.answerWithHeaders()?.status == 200, "the connection serves on after HEAD of the stream")
                continue
            }
            c.sendRaw("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let get = try #require(c.answerWithHeaders(), "GET \(path) after HEAD: no answer")
            #expect(head.status == get.status, "\(path)")
            #expect(Set(head.headers.keys) == Set(get.headers.keys), "\(path): \(head.headers) and \(get.headers)")
            #expect(head.headers["content-type"] == get.headers["content-type"], "\(path)")
            let length = try #require(head.headers["content-length"].flatMap { Int($0) }, "\(path): HEAD says the length")
            // Figures that move (the Board's time, the metrics) may change the length by a few bytes.
            #expect(abs(length - get.body.utf8.count) <= (path == "/" || path.contains("nothing") || path.contains("nope") ? 0 : 64), "\(path)")
        }
        // A method that is not taken still says what is.
        c.sendRaw("DELETE /api/v1/board HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        let refused = try #require(c.answerWithHeaders())
        #expect(refused.status == 405 && refused.headers["allow"] == "GET, HEAD", "\(refused)")
        // HEAD on a path that takes POST only: refused, naming what it takes and what was sent
        // (the sentence, as GET would get it, shows in the length only).
        for (path, what) in [("/api/v1/alerts/x/ack", "an acknowledgement"), ("/api/v1/alerts/x/silence", "a silence")] {
            let sentence = "\(what) is sent with POST only, not HEAD"
            c.sendRaw("HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let head = try #require(c.head(), "HEAD \(path): no answer")
            #expect(head.status == 405 && head.headers["allow"] == "POST", "\(path): \(head)")
            #expect(head.headers["content-length"] == "\(JSONWriter.string(.object([("error", .string(sentence))])).utf8.count + 1)", "\(path): \(head)")
            c.sendRaw("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let get = try #require(c.answerWithHeaders(), "GET \(path): no answer")
            #expect(get.status == 405 && get.headers["allow"] == "POST", "\(path): \(get)")
            #expect(jsonObject(get.body)?["error"] as? String == "\(what) is sent with POST only, not GET", "\(path): \(get.body)")
        }
    }
}
