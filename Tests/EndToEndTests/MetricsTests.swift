import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopEngine
#if canImport(Glibc)
import Glibc
#endif

/// `pipetop daemon --metrics`: the exposition passes `promtool check metrics`, and a real
/// Prometheus (Debian's package, installed by .ci/run) scrapes it and answers a query.
@Suite("Prometheus metrics", .serialized)
struct MetricsTests {
    func daemonWithMetrics() throws -> (Process, String, UInt16, String) {
        let dir = try scratchDir()
        let sock = dir + "/d.sock", port = try freePort(), textfile = dir + "/pipetop.prom"
        let p = try startDaemon(sock, ["--sample-interval", "0", "--metrics", "127.0.0.1:\(port)", "--metrics-textfile", textfile])
        try #require(waitForHTTP(port), "the daemon's --metrics listener did not start")
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"nightly","name":"nightly import","labels":{"pipeline":"nightly"},"phases":["fetch","load"]}"#,
                         #"{"type":"phase.start","job":"nightly","phase":"fetch","total":1000}"#,
                         #"{"type":"progress","job":"nightly","phase":"fetch","done":420,"failed":3}"#,
                         #"{"type":"alert","job":"nightly","severity":"critical","message":"quota","name":"q"}"#])
        return (p, sock, port, textfile)
    }

    func promtool(_ text: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        p.arguments = ["check", "metrics"]
        let input = Pipe(), out = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = out
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: said, as: UTF8.self))
    }

    @Test func theExpositionPassesPromtoolAndSaysWhatTheEngineKnows() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool"), "Debian's prometheus is needed (.ci/run installs it)")
        let (daemon, _, port, textfile) = try daemonWithMetrics()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let r = httpGet("http://127.0.0.1:\(port)/metrics")
        #expect(r.status == 200)
        #expect(r.body.contains(#"pipetop_phase_items_done_total{job_id="nightly",pipeline="nightly",phase="fetch"} 420"#), "\(r.body)")
        #expect(r.body.contains(#"pipetop_phase_items_failed_total{job_id="nightly",pipeline="nightly",phase="fetch"} 3"#))
        #expect(r.body.contains(#"pipetop_alerts_firing{severity="critical"} 1"#))
        #expect(r.body.contains("pipetop_engine_events_applied_total 4"))
        let (rc, said) = try promtool(r.body)
        #expect(rc == 0, "\(said)")
        #expect(httpGet("http://127.0.0.1:\(port)/other").status == 404)
        // The textfile holds the same, written atomically.
        let file = try String(contentsOfFile: textfile, encoding: .utf8)
        #expect(file.contains("pipetop_engine_events_applied_total"))  // written at start, then every 15 s
        #expect(try promtool(file).0 == 0)
    }

    @Test func aRealPrometheusScrapesIt() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"), "Debian's prometheus is needed (.ci/run installs it)")
        let (daemon, _, port, _) = try daemonWithMetrics()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: pipetop
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]
            """.write(toFile: dir + "/prometheus.yml", atomically: false, encoding: .utf8)
        let web = try freePort()
        let prom = try spawnServer(["/usr/bin/prometheus", "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
                                    "--web.listen-address=127.0.0.1:\(web)"], log: dir + "/prometheus.log")
        defer { stopChild(prom) }
        let base = "http://127.0.0.1:\(web)"
        #expect(poll(seconds: 30) { httpGet(base + "/-/ready").status == 200 }, "prometheus did not start")
        let query = base + "/api/v1/query?query=" + "pipetop_phase_items_done_total%7Bphase%3D%22fetch%22%7D"
        var answer = ""
        let got = poll(seconds: 30) {
            answer = httpGet(query).body
            return answer.contains(#""value":["#) && answer.contains(#""420""#)
        }
        #expect(got, "\(answer)")
    }
}

/// What another local user can do to `/metrics` (any local user reaches a loopback port): the
/// engine's Unix socket keeps serving, connections are bounded, answers are not queued for a
/// client that does not read them.
@Suite("Metrics endpoint limits", .serialized)
struct MetricsLimitTests {
    func connect(_ port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if rc != 0 { close(fd); return -1 }
        return fd
    }

    /// True when the server closed `fd` (EOF or reset) within `seconds`.
    func closedByServer(_ fd: Int32, within seconds: Double) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(seconds * 1000)) > 0 else { return false }
        var b = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &b, b.count, Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN) { return true }
            if n < 0 { return false }
        }
    }

    /// Waits until the daemon's listener answers a scrape, on a connection the server closes
    /// (`Connection: close`): its place is given back before the server takes its next
    /// connection, so the count of places is whole again. (The listener starts just after the
    /// Unix socket that `startDaemon` waits for: under load a connection made at once was
    /// refused, and a test that counted on it waited for closes that could not come.)
    func waitForScrape(_ port: UInt16, seconds: Double = 60) -> Bool {
        let request = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let fd = connect(port)
            if fd < 0 { Thread.sleep(forTimeInterval: 0.05); continue }
            defer { close(fd) }
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress!, request.count, Int32(MSG_NOSIGNAL)) }
            // Read to the end: the server closes after its answer.
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var b = [UInt8](repeating: 0, count: 65536), got = 0
            while Date() < deadline, poll(&p, 1, 1000) >= 0 {
                if p.revents == 0 { continue }
                let n = recv(fd, &b, b.count, 0)
                if n <= 0 { return got > 0 }
                got += n
            }
        }
        return false
    }

    @Test func hundredsOfIdleConnectionsAreTurnedAwayAndTheSocketServesOn() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock", port = try freePort()
        let daemon = try startDaemon(sock, ["--sample-interval", "0", "--metrics", "127.0.0.1:\(port)"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        try #require(waitForScrape(port), "the daemon's --metrics listener did not answer")
        // A burst past the listen backlog (128): some connects wait for the kernel to retry
        // their SYN (a second or more under load), none is refused.
        let fds = (0..<200).map { _ in connect(port) }
        defer { for fd in fds where fd >= 0 { close(fd) } }
        try #require(fds.allSatisfy { $0 >= 0 }, "\(fds.filter { $0 < 0 }.count) of 200 connections refused")
        // Past the limit each is closed by the server as it is taken; the first 16 stay open.
        // Waited for in poll(2), not spun for: a spinning test took a core from the daemon on a
        // loaded 2-core machine. The deadline is a ceiling that only a broken limit reaches
        // (turning away 184 takes a tenth of a second under load, once connected).
        var closed = Set<Int32>()
        let deadline = Date().addingTimeInterval(60)
        while closed.count < 200 - MetricsServer.maxConnections && Date() < deadline {
            var waiting = fds.filter { !closed.contains($0) }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&waiting, nfds_t(waiting.count), 1000) > 0 else { continue }
            for p in waiting where p.revents != 0 && closedByServer(p.fd, within: 0) { closed.insert(p.fd) }
        }
        #expect(closed.count == 200 - MetricsServer.maxConnections, "\(closed.count) of 200 turned away")
        // And no more: the 16 admitted are still open.
        #expect(fds.filter { !closed.contains($0) && !closedByServer($0, within: 0) }.count == MetricsServer.maxConnections)
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.processIdentifier)/fd").count
        #expect(open < 100, "the daemon holds \(open) descriptors")
        // The owner's producers are not affected.
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        #expect(try send(c, [#"{"type":"job.start","job":"still","name":"still works"}"#]).isEmpty)
    }

    @Test func aClientThatAsksAndNeverReadsIsLetGo() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/d.sock", port = try freePort()
        let daemon = try startDaemon(sock, ["--sample-interval", "0", "--metrics", "127.0.0.1:\(port)"])
        defer { daemon.terminate(); daemon.waitUntilExit() }
        try #require(waitForHTTP(port), "the daemon's --metrics listener did not start")
        // A big exposition (700 KB): 100 jobs of 20 phases.
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        var lines: [String] = []
        for j in 0..<100 {
            let phases = (0..<20).map { "\"p\($0)\"" }.joined(separator: ",")
            lines.append(#"{"type":"job.start","job":"j\#(j)","name":"job \#(j)","phases":[\#(phases)]}"#)
            lines.append(#"{"type":"phase.start","job":"j\#(j)","phase":"p0","total":100}"#)
        }
        #expect(try send(c, lines).isEmpty)
        let fd = connect(port)
        defer { close(fd) }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        let many = Array((0..<500).map { _ in request }.joined())
        var off = 0
        while off < many.count {
            let n = many.withUnsafeBytes { send(fd, $0.baseAddress! + off, many.count - off, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if n <= 0 { break }
            off += n
        }
        // Not reading: the server answers what the kernel's buffers take, then gives up on this
        // client (it closes it) instead of queueing 500 answers.
        var p = pollfd(fd: fd, events: 0x2000 /* POLLRDHUP: the server closed its side */, revents: 0)
        #expect(poll(&p, 1, Int32(MetricsServer.writeSeconds + 10) * 1000) > 0, "the server kept a client that does not read")
        var got = [UInt8]()
        var b = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = recv(fd, &b, b.count, Int32(MSG_DONTWAIT))
            if n <= 0 { break }
            got += b[0..<n]
        }
        let answers = String(decoding: got, as: UTF8.self).components(separatedBy: "HTTP/1.1 200 OK").count - 1
        #expect(answers < 100, "\(answers) answers queued for a client that did not read")
        // And a polite scraper is served afterwards.
        let polite = connect(port)
        defer { close(polite) }
        _ = request.withUnsafeBytes { send(polite, $0.baseAddress!, request.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8]()
        var q = pollfd(fd: polite, events: Int16(POLLIN), revents: 0)
        func whole() -> Bool {
            let t = String(decoding: answer, as: UTF8.self)
            guard let end = t.range(of: "\r\n\r\n"),
                  let line = t[..<end.lowerBound].split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
                  let length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) else { return false }
            return t[end.upperBound...].utf8.count >= length
        }
        while !whole(), poll(&q, 1, 60_000) > 0 {
            let n = recv(polite, &b, b.count, 0)
            if n <= 0 { break }
            answer += b[0..<n]
        }
        let text = String(decoding: answer, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK") && text.contains("pipetop_job_info"), "\(text.prefix(200))")
    }
}
