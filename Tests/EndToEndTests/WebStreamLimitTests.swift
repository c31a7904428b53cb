import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopEngine

/// The web listener's two limits over real TCP from the real daemon: open event streams (a
/// page tab each) have places of their own, so scrapes and page loads are answered however
/// many are open, and a stream past the limit is told why; and HEAD on every GET path.
@Suite(.serialized) struct WebStreamLimitTests {
    func daemon() throws -> (Process, UInt16) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort()
        let p = try startDaemon(sock, ["--sample-interval", "0", "--http", "\(port)", "--http-token-file", dir + "/token"])
        try #require(waitForHTTP(port), "the daemon's --http listener did not start")
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"n1","name":"nightly import","phases":["fetch"]}"#,
                         #"{"type":"alert","job":"n1","severity":"warning","message":"slow","name":"s"}"#])
        return (p, port)
    }

    /// An event stream asked on a new connection, as Server-Sent Events or a WebSocket.
    func askStream(_ port: UInt16, webSocket: Bool = false) throws -> HTTPConnection {
        let c = try HTTPConnection(port: port)
        var head = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if webSocket { head += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" }
        c.sendRaw(head + "\r\n")
        return c
    }

    func get(_ port: UInt16, _ path: String) throws -> (status: Int, headers: [String: String], body: String)? {
        let c = try HTTPConnection(port: port)
        c.sendRaw("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        return c.answerWithHeaders()
    }

    static let full = "the engine already serves \(HTTPListener.maxStreams) event streams, as many as it takes at once (each open page holds one): close one, or try again in \(HTTPListener.streamRetrySeconds) s"

    @Test func openStreamsLeaveScrapesAndTheBoardAnsweredAndOneMoreIsToldWhy() throws {
        let (p, port) = try daemon()
        defer { p.terminate(); p.waitUntilExit() }
        var streams: [HTTPConnection] = []
        for i in 0..<HTTPListener.maxStreams {
            let s = try askStream(port, webSocket: i % 4 == 3)
            let h = try #require(s.head(), "stream \(i) got no answer")
            #expect(h.status == (i % 4 == 3 ? 101 : 200), "stream \(i)")
            streams.append(s)
        }
        // More streams than short-request connections: the streams do not count there.
        #expect(HTTPListener.maxStreams >= HTTPListener.maxConnections)
        // Every place for a stream taken, a scrape, the Board and the page are still answered.
        for path in ["/metrics", "/api/v1/board", "/"] {
            #expect(try get(port, path)?.status == 200, "\(path)")
        }
        // One more stream is refused, with a sentence and when to ask again, and closed.
        for webSocket in [false, true] {
            let refused = try askStream(port, webSocket: webSocket)
            let a = try #require(refused.answerWithHeaders(), "a refused stream (webSocket: \(webSocket)) got no answer")
            #expect(a.status == 503, "webSocket: \(webSocket)")
            #expect(a.headers["retry-after"] == "\(HTTPListener.streamRetrySeconds)")
            #expect(jsonObject(a.body)?["error"] as? String == Self.full, "\(a.body)")
            #expect(refused.closedByServer(), "a refused stream's connection is closed")
        }
        // A closed stream gives its place back: a new one is taken once the engine has seen it go.
        streams.removeFirst()
        var again: (status: Int, headers: [String: String], after: [UInt8])?
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            again = try askStream(port).head()
            if again?.status == 200 { break }
        }
        #expect(again?.status == 200, "a stream's place is given back when it closes")
    }

    @Test func headIsAnsweredAsGetWithoutTheBodyOnEveryGetPath() throws {
        let (p, port) = try daemon()
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
    }
}
