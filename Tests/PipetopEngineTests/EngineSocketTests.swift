import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// A real engine on a real Unix socket in a private directory, stopped after the test.
final class RunningEngine: @unchecked Sendable {
    let dir: String
    let path: String
    let server: EngineServer
    var engine: Engine { server.engine }

    init(clock: any Clock = SystemClock()) throws {
        dir = NSTemporaryDirectory() + "pt-\(UUID().uuidString.prefix(8))"
        path = dir + "/e.sock"
        server = EngineServer(engine: Engine(clock: clock), socketPath: path, threads: 2)
        try server.start()
    }

    func connect() throws -> EngineConnection { try EngineConnection(path: path) }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// Sends lines and waits until the engine applied them; returns the error replies.
func send(_ conn: EngineConnection, _ lines: [String]) throws -> [Reply] {
    try conn.send(lines.map { $0 + "\n" }.joined())
    return try conn.sync()
}

@Suite("Engine over a real socket", .serialized)
struct EngineSocketTests {
    @Test func goodLinesAreAppliedSilently() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        let errors = try send(c, [
            #"{"type":"job.start","job":"j1","name":"import","phases":["fetch","load"]}"#,
            #"{"type":"progress","job":"j1","phase":"fetch","done":40,"total":100}"#,
            #"{"type":"step","job":"j1","phase":"fetch","step":"page 1","state":"done"}"#,
        ])
        #expect(errors.isEmpty)
        let job = try #require(e.engine.snapshot().state[job: "j1"])
        #expect(job.phase("fetch")?.done == 40)
        #expect(job.phase("fetch")?.steps.count == 1)
        #expect(e.engine.counters.applied == 3)
    }

    @Test func badLinesGetOneErrorEachAndGoodOnesAroundThemStillApply() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        var bytes = Data()
        func line(_ s: String) { bytes.append(contentsOf: Array(s.utf8)); bytes.append(0x0A) }
        line(#"{"type":"job.start","job":"j1","phases":["a"]}"#)                       // 1 ok
        line("this is not json")                                                       // 2
        bytes.append(contentsOf: Array(#"{"type":"log","job":"j1","message":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)); bytes.append(0x0A) // 3 not UTF-8
        line(#"{"type":"progress","job":"j1","phase":"a","done":1}"#)                  // 4 ok
        line(#"{"type":"teleport","job":"j1"}"#)                                       // 5 unknown type
        line(#"{"type":"progress","job":"j1","done":2}"#)                              // 6 missing field
        line(#"{"type":"progress","job":"j1","phase":"a","done":"two"}"#)              // 7 wrong type
        line(#"{"type":"job.state","job":"j1","state":"paused"}"#)                     // 8 ok
        line(#"{"type":"job.state","job":"j1","state":"completing"}"#)                 // 9 illegal transition
        line(#"{"type":"log","job":"j1","message":"\#(String(repeating: "x", count: 70_000))"}"#) // 10 too long
        line(#"{"type":"progress","job":"j1","phase":"a","done":5}"#)                  // 11 ok
        line(#"{"type":"progress","job":"nobody","phase":"a","done":5}"#)              // 12 unknown job
        let sent = bytes.withUnsafeBytes { raw in Glibc.send(c.fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL)) }
        #expect(sent == bytes.count)
        let replies = try c.sync()
        let lines = replies.compactMap { r -> Int? in if case .error(let n, _) = r { return n }; return nil }
        #expect(lines == [2, 3, 5, 6, 7, 9, 10, 12])
        let reasons = replies.compactMap { r -> String? in if case .error(_, let why) = r { return why }; return nil }
        #expect(reasons[0].contains("invalid JSON"))
        #expect(reasons[1].contains("not valid UTF-8"))
        #expect(reasons[2].contains("unknown type 'teleport'"))
        #expect(reasons[3].contains("missing required field 'phase'"))
        #expect(reasons[4].contains("must be an integer"))
        #expect(reasons[5].contains("illegal transition paused → completing"))
        #expect(reasons[6].contains("line too long"))
        #expect(reasons[7].contains("unknown job 'nobody'"))
        let job = try #require(e.engine.snapshot().state[job: "j1"])
        #expect(job.phase("a")?.done == 5)
        #expect(job.state == .paused)
        // The connection is still usable after all that.
        #expect(try send(c, [#"{"type":"job.state","job":"j1","state":"running"}"#]).isEmpty)
        #expect(e.engine.snapshot().state[job: "j1"]?.state == .running)
    }

    @Test func aHugeLineWithoutNewlineIsNotBufferedAndTheConnectionRecovers() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        let chunk = String(repeating: "y", count: 1 << 20)
        for _ in 0..<8 { try c.send(chunk) }  // 8 MiB, no newline
        try c.send("\n")
        let replies = try send(c, [#"{"type":"job.start","job":"after"}"#])
        #expect(replies.count == 1)
        if case .error(let n, let why)? = replies.first {
            #expect(n == 1)
            #expect(why.contains("line too long (8388608 bytes"))
        }
        #expect(e.engine.snapshot().state[job: "after"] != nil)
    }

    @Test func aClientThatLeavesMidLineLosesOnlyThatLine() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        // The last line is whole JSON without its newline: only the missing end makes it unfinished.
        try c.send(#"{"type":"job.start","job":"j1"}"# + "\n" + #"{"type":"job.start","job":"j2"}"#)
        try c.finishSendingAndWaitForClose()
        #expect(e.engine.snapshot().state[job: "j1"] != nil)
        #expect(e.engine.snapshot().state[job: "j2"] == nil)
    }

    /// The sender is sampled, never watched: a reporter that exits at once is not the job.
    @Test func aJobThatNamesNoPidSamplesTheConnectingProcess() throws {
        let e = try RunningEngine()
        // Another process reports (this one is the engine's: its own jobs get no pid).
        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        client.arguments = ["python3", "-c", """
            import socket, sys
            s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
            s.sendall(b'{"type":"job.start","job":"theirs"}\\n{"type":"job.start","job":"named","pid":1}\\n{"type":"sync","id":1}\\n')
            s.recv(100)
            """, e.path]
        try client.run()
        client.waitUntilExit()
        #expect(client.terminationStatus == 0)
        #expect(e.engine.snapshot().state[job: "theirs"]?.samplePid == client.processIdentifier)
        #expect(e.engine.snapshot().state[job: "theirs"]?.pid == nil)
        #expect(e.engine.snapshot().state[job: "named"]?.pid == 1)
        #expect(e.engine.snapshot().state[job: "named"]?.samplePid == nil)
        let c = try e.connect()
        #expect(try send(c, [#"{"type":"job.start","job":"mine"}"#]).isEmpty)
        #expect(e.engine.snapshot().state[job: "mine"]?.pid == nil)
        #expect(e.engine.snapshot().state[job: "mine"]?.samplePid == nil)
    }

    @Test func syncEchoesItsIdAndLine() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        try c.send(#"{"type":"job.start","job":"j1"}"# + "\n" + #"{"type":"sync","id":{"n":7}}"# + "\n")
        let line = try #require(try c.readLine(timeout: 5))
        #expect(Reply.parse(line) == .synced(id: .object([("n", .int(7))]), line: 2))
    }

    @Test func subscribersGetHelloThenBoardsThatFollowChanges() throws {
        let e = try RunningEngine()
        let viewer = try e.connect()
        try viewer.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
        let hello = try BoardMessage.decode(try #require(try viewer.readLine(timeout: 5)))
        guard case .hello(let h) = hello else { Issue.record("expected hello, got \(hello)"); return }
        #expect(h.v == 2)
        #expect(h.socket == e.path)
        let producer = try e.connect()
        #expect(try send(producer, [#"{"type":"job.start","job":"j1","phases":["a"]}"#,
                                    #"{"type":"progress","job":"j1","phase":"a","done":7}"#]).isEmpty)
        let reader = BoardReader(viewer)
        #expect(try reader.read { $0[job: "j1"]?.phase("a")?.done == 7 })
        #expect(reader.board?[job: "j1"]?.phases.count == 1)
    }

    @Test func aViewerOfProtocolOneIsToldBothVersionsAndStaysConnected() throws {
        let e = try RunningEngine()
        let viewer = try e.connect()
        try viewer.send(#"{"type":"subscribe","fps":30}"# + "\n")  // as a viewer of protocol 1 did
        let line = try #require(try viewer.readLine(timeout: 5))
        guard case .error(let n, let reason)? = Reply.parse(line) else { Issue.record("expected an error, got \(line)"); return }
        #expect(n == 1)
        #expect(reason.contains("protocol 3 (and 2)") && reason.contains("asked for 1") && reason.contains(#""v":3"#), "\(reason)")
        // The connection stays usable: the same viewer subscribes again, speaking 2.
        try viewer.send(#"{"type":"subscribe","v":2}"# + "\n")
        #expect(try BoardMessage.decode(try #require(try viewer.readLine(timeout: 5))) != .heartbeat(now: 0))
    }

    @Test func aViewerThatNeverReadsDoesNotSlowProducersOrGrowWithoutBound() throws {
        let e = try RunningEngine()
        let lazy = try e.connect()
        try lazy.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
        let producer = try e.connect()
        _ = try send(producer, [#"{"type":"job.start","job":"j1","phases":["a"]}"#])
        // Many changes while the viewer's socket fills up; the producer must still get its sync.
        for round in 0..<40 {
            let batch = (0..<500).map { #"{"type":"progress","job":"j1","phase":"a","done":\#(round * 500 + $0)}"# }
            try producer.send(batch.joined(separator: "\n") + "\n")
            Thread.sleep(forTimeInterval: 0.005)
        }
        #expect(try producer.sync(timeout: 10).isEmpty)
        #expect(e.engine.snapshot().state[job: "j1"]?.phase("a")?.done == 19_999)
        #expect(e.server.hub.count == 1)
    }

    @Test func socketAndDirectoryArePrivate() throws {
        let e = try RunningEngine()
        var st = stat()
        #expect(stat(e.path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(stat(e.dir, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
    }

    @Test func aLiveEngineIsNeverTakenOverAndAStaleSocketIsReplaced() throws {
        let e = try RunningEngine()
        let second = EngineServer(engine: Engine(), socketPath: e.path, threads: 1)
        #expect(throws: SocketPathError.self) { try second.start() }
        // The first engine still answers.
        #expect(try send(try e.connect(), [#"{"type":"job.start","job":"j"}"#]).isEmpty)

        // A socket file nobody listens on: bind one, close it, leave the file behind.
        let dir = NSTemporaryDirectory() + "pt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/stale.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = try #require(sockaddr_un(unixPath: path))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        #expect(rc == 0)
        close(fd)
        #expect(SocketPath.probe(path) == .stale)
        let fresh = EngineServer(engine: Engine(), socketPath: path, threads: 1)
        try fresh.start()
        defer { fresh.stop() }
        #expect(SocketPath.probe(path) == .live)
    }

    @Test func socketPathFollowsFlagThenEnvironment() {
        #expect(SocketPath.resolve(explicit: "/x.sock", environment: ["PIPETOP_SOCKET": "/y.sock"]) == "/x.sock")
        #expect(SocketPath.resolve(explicit: nil, environment: ["PIPETOP_SOCKET": "/y.sock", "XDG_RUNTIME_DIR": "/run/u"]) == "/y.sock")
        #expect(SocketPath.resolve(explicit: nil, environment: ["XDG_RUNTIME_DIR": "/run/u"]) == "/run/u/pipetop/pipetop.sock")
        #expect(SocketPath.resolve(explicit: nil, environment: [:]) == "/tmp/pipetop-\(getuid())/pipetop.sock")
    }

    @Test func concurrentProducersAllLand() throws {
        let e = try RunningEngine()
        let clients = 8
        let errors = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: clients) { i in
            do {
                let c = try e.connect()
                var lines = [#"{"type":"job.start","job":"j\#(i)","phases":["a"]}"#]
                for n in 1...1_000 { lines.append(#"{"type":"progress","job":"j\#(i)","phase":"a","done":\#(n)}"#) }
                if try !send(c, lines).isEmpty { errors.add("client \(i) got errors") }
            } catch { errors.add("\(error)") }
        }
        #expect(errors.all.isEmpty)
        let state = e.engine.snapshot().state
        for i in 0..<clients { #expect(state[job: "j\(i)"]?.phase("a")?.done == 1_000) }
    }
}

final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}
