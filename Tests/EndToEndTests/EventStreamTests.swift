import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import PipetopClient

/// `GET /api/v1/events` (Server-Sent Events) from the real daemon: filters, resume with
/// `since` and `Last-Event-ID`, a heartbeat, and a client that stops reading.
@Suite(.serialized) struct EventStreamTests {
    /// Reads an SSE stream with Python's standard library until it has `frames` data frames
    /// (or 40 s pass): one line per frame, `SEQ JSON`, and `:comment` lines as they come.
    func pythonReader(_ url: String, frames: Int, headers: [String: String] = [:], comments: Bool = false) throws -> [String] {
        let script = """
        import sys, json, signal, urllib.request
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.alarm(40)  # heartbeats keep a socket timeout from firing: a whole deadline
        req = urllib.request.Request(sys.argv[1], headers=json.loads(sys.argv[3]))
        want, seen, ident = int(sys.argv[2]), 0, ""
        with urllib.request.urlopen(req, timeout=20) as r:
            for raw in r:
                line = raw.decode().rstrip("\\n")
                if line.startswith("id: "): ident = line[4:]
                elif line.startswith("data: "):
                    print(ident, line[6:], flush=True); seen += 1
                    if seen >= want: break
                elif line.startswith(":") and sys.argv[4] == "1" and "heartbeat" in line:
                    print(line, flush=True); break
        """
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        let r = try runProcess("/usr/bin/python3", ["-c", script, url, "\(frames)", headerJSON, comments ? "1" : "0"])
        #expect(r.status == 0, "\(r.err)")
        return r.out.split(separator: "\n").map(String.init)
    }

    func daemon() throws -> (Process, EngineConnection, UInt16) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort()
        let p = try startDaemon(sock, ["--sample-interval", "0", "--http", "\(port)", "--http-token-file", dir + "/token"])
        try #require(waitForHTTP(port), "the daemon's --http listener did not start")
        return (p, try EngineConnection(path: sock), port)
    }

    @Test func filtersAndResumeWithSinceOrLastEventID() throws {
        let (p, c, port) = try daemon()
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        _ = try send(c, [#"{"type":"job.start","job":"a","name":"a","phases":["x"]}"#,
                         #"{"type":"job.start","job":"b","name":"b","phases":["x"]}"#,
                         #"{"type":"progress","job":"b","phase":"x","done":1}"#,
                         #"{"type":"progress","job":"a","phase":"x","done":1}"#,
                         #"{"type":"log","job":"a","message":"hello"}"#,
                         #"{"type":"progress","job":"b","phase":"x","done":2}"#,
                         #"{"type":"progress","job":"a","phase":"x","done":2}"#,
                         #"{"type":"progress","job":"a","phase":"x","done":3}"#])
        let base = "http://127.0.0.1:\(port)/api/v1/events"
        // Events are kept from the engine's start: since=0 is all of them, filtered.
        let got = try pythonReader(base + "?job=a&type=progress&since=0", frames: 3)
        #expect(got.count == 3, "\(got)")
        let frames = got.compactMap { line -> (String, [String: Any])? in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let o = jsonObject(parts[1]) else { return nil }
            return (parts[0], o)
        }
        #expect(frames.map { ($0.1["event"] as? [String: Any])?["job"] as? String } == ["a", "a", "a"])
        #expect(frames.map { ($0.1["event"] as? [String: Any])?["type"] as? String } == ["progress", "progress", "progress"])
        #expect(frames.map { ($0.1["event"] as? [String: Any])?["done"] as? Int } == [1, 2, 3])
        // The SSE id is the event's number.
        #expect(frames.map(\.0) == frames.map { "\($0.1["seq"] as? Int ?? -1)" })
        // Numbered in order: the 4th, 7th and 8th event (numbers start where the engine's
        // clock stood, so that an earlier engine's are all lower).
        let ids = frames.compactMap { UInt64($0.0) }
        try #require(ids.count == 3)
        #expect([ids[1] - ids[0], ids[2] - ids[0]] == [3, 4], "\(ids)")
        #expect(ids[0] > 1_000_000_000_000_000, "numbers start at the engine's start in microseconds: \(ids)")

        // Resume after the first: with since, and as an EventSource does, with Last-Event-ID.
        let bySince = try pythonReader(base + "?job=a&type=progress&since=\(ids[0])", frames: 1)
        #expect(bySince.first?.hasPrefix("\(ids[1]) ") == true, "\(bySince)")
        let byHeader = try pythonReader(base + "?job=a&type=progress", frames: 1, headers: ["Last-Event-ID": "\(ids[1])"])
        #expect(byHeader.first?.hasPrefix("\(ids[2]) ") == true, "\(byHeader)")

        // Without since: from now on. The reader is waiting when this is sent.
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.lines = (try? self.pythonReader(base + "?type=log", frames: 1)) ?? []
            done.signal()
        }
        // Sent until the reader has it (it may connect after the first few).
        var n = 0
        while done.wait(timeout: .now() + 0.2) == .timedOut && n < 100 {
            n += 1
            _ = try send(c, [#"{"type":"log","job":"b","message":"live \#(n)"}"#])
        }
        #expect(box.lines.first?.contains(#""message":"live"#) == true, "\(box.lines)")
        #expect(box.lines.first?.contains("hello") == false, "an old event was sent to a client that gave no since")

        let bad = webRequest(base + "?since=yesterday")
        #expect(bad.status == 400)
        #expect(jsonObject(bad.body)?["error"] as? String == "since wants the number of the last event seen (got yesterday)")
    }

    /// A client that resumes with a number from before the engine restarted is told that it
    /// missed events (and takes the Board again), instead of waiting, silently, until the new
    /// engine's count passes its number.
    @Test func resumingAfterARestartIsToldWhatWasMissed() throws {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort(), db = dir + "/h.db"
        let args = ["--sample-interval", "0", "--http", "\(port)", "--http-token-file", dir + "/token", "--db", db]
        let base = "http://127.0.0.1:\(port)/api/v1/events"
        var p = try startDaemon(sock, args)
        try #require(waitForHTTP(port))
        var c = try EngineConnection(path: sock)
        _ = try send(c, [#"{"type":"job.start","job":"a","name":"a","phases":["x"]}"#]
                     + (1...50).map { #"{"type":"progress","job":"a","phase":"x","done":\#($0)}"# })
        let before = try pythonReader(base + "?type=progress&since=0", frames: 50)
        let last = try #require(before.last.flatMap { UInt64($0.split(separator: " ").first ?? "") })
        c.close(); p.terminate(); p.waitUntilExit()

        p = try startDaemon(sock, args)
        defer { p.terminate(); p.waitUntilExit() }
        try #require(waitForHTTP(port))
        c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"progress","job":"a","phase":"x","done":51}"#])
        let after = try pythonReader(base + "?type=progress&since=\(last)", frames: 2)
        try #require(after.count == 2, "\(after)")
        let skipped = try #require(jsonObject(String(after[0].drop { $0 != " " }.dropFirst())), "\(after)")
        #expect(skipped["type"] as? String == "skipped", "\(after)")
        #expect(skipped["from"] as? Int == Int(last) + 1)
        #expect(after[1].contains(#""done":51"#), "\(after)")
        let seq = try #require(UInt64(after[1].split(separator: " ").first ?? ""))
        #expect(seq > last, "the restarted engine's numbers are above the earlier one's")
    }

    @Test func aQuietStreamGetsAHeartbeat() throws {
        let (p, c, port) = try daemon()
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        let got = try pythonReader("http://127.0.0.1:\(port)/api/v1/events", frames: 1, comments: true)
        #expect(got == [": heartbeat"])
    }

    @Test func aClientThatStopsReadingIsSkippedAndToldNotQueuedFor() throws {
        let (p, c, port) = try daemon()
        defer { c.close(); p.terminate(); p.waitUntilExit() }
        // A raw client with a small receive window that asks, then reads nothing for a while.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(rc == 0)
        let ask = Array("GET /api/v1/events?type=log HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        #expect(Glibc.send(fd, ask, ask.count, Int32(MSG_NOSIGNAL)) == ask.count)
        func read(until marker: String, seconds: Double) -> String {
            var got = [UInt8](), buf = [UInt8](repeating: 0, count: 65536)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) >= 0 else { break }
                if pfd.revents == 0 { continue }
                let n = recv(fd, &buf, buf.count, 0)
                if n <= 0 { break }
                got += buf[0..<n]
                // Only the tail can hold a marker that just arrived.
                if String(decoding: got.suffix(4096), as: UTF8.self).contains(marker) { break }
            }
            return String(decoding: got, as: UTF8.self)
        }
        #expect(read(until: "pipetop event stream", seconds: 10).contains("text/event-stream"))

        // Far more than the engine keeps (8,192 events), while the client reads nothing.
        let padding = String(repeating: "x", count: 500)
        let total = 20_000
        _ = try send(c, [#"{"type":"job.start","job":"a","name":"a","phases":["x"]}"#])
        for chunk in stride(from: 0, to: total, by: 1000) {
            _ = try send(c, (chunk..<chunk + 1000).map { #"{"type":"log","job":"a","message":"line \#($0) \#(padding)"}"# })
        }
        _ = try send(c, [#"{"type":"log","job":"a","message":"the last"}"#])
        // The engine went on answering meanwhile.
        #expect(webRequest("http://127.0.0.1:\(port)/api/v1/board").status == 200)

        let text = read(until: "the last", seconds: 30)
        #expect(text.contains("the last"), "the stream went on after the client drained")
        #expect(text.contains("event: skipped"), "the client was told what it missed")
        let frames = text.components(separatedBy: "\nid: ").count - 1
        #expect(frames < total, "\(frames) events were kept for a client that did not read")
        #expect(frames > 0)
    }
}
