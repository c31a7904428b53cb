import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
import PipetopSpool
@testable import PipetopWire

/// A private socket path and spool for one test: the environment `emit`, `run` and the
/// examples get.
struct PrivatePlace {
    let dir: String
    let sock: String
    let state: String
    var env: [String: String] { ["PIPETOP_SOCKET": sock, "XDG_STATE_HOME": state, "PIPETOP_QUIET": "", "PIPETOP_STRICT": ""] }
    /// This socket's spool file (as the spool names it: see Spool.key).
    var spoolFile: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in sock.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let hex = String(h, radix: 16)
        return state + "/pipetop/spool/" + String(repeating: "0", count: 16 - hex.count) + hex + "/spool.ndjson"
    }
    var spooled: [String] {
        ((try? String(contentsOfFile: spoolFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    init() throws {
        _ = pipetopBinary
        dir = try scratchDir()
        sock = dir + "/e.sock"
        state = dir + "/state"
    }
}

/// What an engine killed with SIGKILL leaves at its path: a socket file nobody listens on.
func staleSocket(_ path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in raw.copyBytes(from: Array(path.utf8)); raw[path.utf8.count] = 0 }
    let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
    guard rc == 0 else { throw ClientError("cannot bind \(path): \(String(cString: strerror(errno)))") }
}

/// A Unix socket that listens and never accepts (a stuck engine), with a queue of one.
final class StuckListener {
    let fd: Int32
    init(_ path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let b = Array(path.utf8)
            raw.copyBytes(from: b)
            raw[b.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(fd, 0) == 0 else { throw ClientError("cannot listen on \(path)") }
    }
    deinit { close(fd) }
}

/// A Unix socket whose listener accepts every connection and never reads from it.
final class DeafListener: @unchecked Sendable {
    let listener: StuckListener
    private var accepted: [Int32] = []
    private let lock = NSLock()
    init(_ path: String) throws {
        listener = try StuckListener(path)
        let fd = listener.fd
        Thread.detachNewThread { [weak self] in
            while true {
                let c = accept(fd, nil, nil)
                guard c >= 0, let self else { return }
                self.lock.withLock { self.accepted.append(c) }
            }
        }
    }
    var connections: Int { lock.withLock { accepted.count } }
    deinit {
        shutdown(listener.fd, Int32(SHUT_RDWR))
        lock.withLock { accepted.forEach { close($0) } }
    }
}

@Suite("With no engine, or a stuck one", .serialized)
struct NoEngineTests {
    /// An event spooled a moment before the engine was up (or while it restarts) and the next
    /// emit delivered live would apply out of order ("unknown job"): the next one joins the
    /// spool instead, and the engine applies both, in order.
    @Test func anEmitGoesBehindEventsStillInTheSpool() throws {
        let d = try Daemon()
        let start = #"{"type":"job.start","job":"late","name":"late","phases":["fetch"],"ts":\#(Date().timeIntervalSince1970)}"#
        _ = try Spool(socket: d.sock).append(start + "\n")
        let r = try runPipetop(["emit", "phase.start", "--job", "late", "--phase", "fetch", "total=10", "--socket", d.sock])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.isEmpty, "\(r.err)")
        let s = try engineState(d.sock) { $0[job: "late"]?.phase("fetch")?.state == .running }
        #expect(s?[job: "late"]?.phase("fetch")?.total == 10)
    }

    @Test func emitKeepsTheEventAndSucceeds() throws {
        let p = try PrivatePlace()
        let before = Date().timeIntervalSince1970
        let r = try runPipetop(["emit", "job.start", "--job", "a", "name=a"], env: p.env)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.split(separator: "\n").count == 1 && r.err.contains("kept in"), "\(r.err)")
        // Stamped when it was emitted, not when an engine gets it.
        let line = try #require(p.spooled.first)
        guard case .object(let m) = try JSONParser.parse(line), case .double(let ts)? = m.first(where: { $0.0 == "ts" })?.1 else {
            Issue.record("no ts in \(line)")
            return
        }
        #expect(ts >= before && ts <= Date().timeIntervalSince1970)

        // Said once for the outage: the next emits keep their events quietly.
        let again = try runPipetop(["emit", "log", "--job", "a", "message=again"], env: p.env)
        #expect(again.status == 0 && again.err.isEmpty, "\(again.err)")
        // --quiet and PIPETOP_QUIET say nothing even as the first of an outage.
        let q = try PrivatePlace()
        let quiet = try runPipetop(["emit", "--quiet", "log", "--job", "a", "message=x"], env: q.env)
        #expect(quiet.status == 0 && quiet.err.isEmpty, "\(quiet.err)")
        let q2 = try PrivatePlace()
        let quietEnv = try runPipetop(["emit", "log", "--job", "a", "message=y"], env: q2.env.merging(["PIPETOP_QUIET": "1"]) { _, n in n })
        #expect(quietEnv.status == 0 && quietEnv.err.isEmpty, "\(quietEnv.err)")
        #expect(q.spooled.count == 1 && q2.spooled.count == 1)
        let strict = try runPipetop(["emit", "--strict", "log", "--job", "a", "message=z"], env: p.env)
        #expect(strict.status != 0 && strict.err.contains("no engine at"), "\(strict.err)")
        let strictEnv = try runPipetop(["emit", "log", "--job", "a", "message=w"], env: p.env.merging(["PIPETOP_STRICT": "1"]) { _, n in n })
        #expect(strictEnv.status != 0)
        // Strict failures are the caller's to handle: not kept.
        #expect(p.spooled.count == 2)
        // An engine takes them; the next outage is said again.
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        _ = try engineState(p.sock) { $0[job: "a"] != nil }
        d.terminate()
        d.waitUntilExit()
        let next = try runPipetop(["emit", "log", "--job", "a", "message=later"], env: p.env)
        #expect(next.status == 0 && next.err.contains("kept in"), "\(next.err)")
    }

    @Test func aRefusedEventIsAnErrorStrictOrNot() throws {
        let p = try PrivatePlace()
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        #expect(try runPipetop(["emit", "job.start", "--job", "a", "name=a", "phases=[\"p\"]"], env: p.env).status == 0)
        for extra in [[], ["--strict"]] {
            let r = try runPipetop(["emit"] + extra + ["progress", "--job", "a", "--phase", "p", "done=lots"], env: p.env)
            #expect(r.status != 0)
            #expect(r.err.contains("refused") && r.err.contains("done"), "\(r.err)")
        }
        #expect(p.spooled.isEmpty)
    }

    /// A socket that listens but never accepts nor reads: emit comes back with 0 (the first
    /// event sits in the socket's queue: not spooled too; the next find the queue full: spooled).
    @Test func aStuckEngineDoesNotHoldEmit() throws {
        let p = try PrivatePlace()
        let stuck = try StuckListener(p.sock)
        var results: [(status: Int32, out: String, err: String)] = []
        for i in 0..<3 { results.append(try runPipetop(["emit", "log", "--job", "a", "message=m\(i)"], env: p.env)) }
        withExtendedLifetime(stuck) {}
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.err))")
        #expect(results[0].err.contains("did not answer"), "\(results[0].err)")
        #expect(p.spooled.count == 2, "\(p.spooled)")
    }

    /// The README's examples in a shell with no engine: they succeed, and once an engine
    /// starts their jobs are there with the durations they had.
    @Test func theExamplesRunWithNoEngineAndAppearLater() throws {
        let p = try PrivatePlace()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let env = p.env.merging(["PIPETOP": pipetopBinary]) { _, n in n }
        let script = try runProcess("/bin/bash", [root + "/examples/pipeline.sh"], env: env)
        #expect(script.status == 0, "\(script.out)\n\(script.err)")
        let make = try runProcess("/usr/bin/make", ["-s", "-C", root + "/examples", "JOB=make-nobody", "PIPETOP=" + pipetopBinary], env: env)
        #expect(make.status == 0, "\(make.out)\n\(make.err)")
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        let s = try #require(try engineState(p.sock) { s in
            s.jobs.values.contains { $0.name == "example-backup" && $0.state == .completed } && s[job: "make-nobody"]?.state == .completed
        })
        let backup = try #require(s.jobs.values.first { $0.name == "example-backup" })
        let archive = try #require(backup.phase("archive"))
        // Five steps of 0.2 s: the phase lasted at least 1 s (all applied at once without ts: 0 s).
        #expect(archive.done == 5 && (archive.endedAt ?? 0) - (archive.startedAt ?? 0) >= 1.0, "\(archive)")
        let build = try #require(s[job: "make-nobody"]?.phase("build"))
        #expect((build.endedAt ?? 0) - (build.startedAt ?? 0) >= 0.3, "\(build)")
        #expect(p.spooled.isEmpty)
    }

    /// What a client spools while the engine runs (it could not reach it for a moment) is
    /// taken by that engine without a restart.
    @Test func aRunningEngineTakesWhatIsSpooledMeanwhile() throws {
        let p = try PrivatePlace()
        let d = try startDaemon(p.sock, ["--sample-interval", "0"], env: p.env)
        defer { d.terminate(); d.waitUntilExit() }
        let spool = Spool(socket: p.sock, environment: ["XDG_STATE_HOME": p.state])
        #expect(try spool.append(#"{"type":"job.start","job":"late-comer","name":"late","ts":1700000000}"# + "\n") == .kept)
        let s = try #require(try engineState(p.sock) { $0[job: "late-comer"] != nil })
        #expect(s[job: "late-comer"]?.startedAt == 1_700_000_000)
        let until = Date().addingTimeInterval(5)
        while Date() < until, !p.spooled.isEmpty || FileManager.default.fileExists(atPath: p.spoolFile) { usleep(20_000) }
        #expect(!FileManager.default.fileExists(atPath: p.spoolFile))
    }

    /// An engine that accepts and never reads: the command's output and exit status are as if
    /// pipetop were not there.
    @Test func runIsNotHeldByAnEngineThatNeverReads() throws {
        let p = try PrivatePlace()
        let deaf = try DeafListener(p.sock)
        let n = 30_000
        let r = try runPipetop(["run", "--job", "deaf", "--progress-from", "stdout", "--", "sh", "-c",
                                "i=0; while [ $i -lt \(n) ]; do echo \"item $i/\(n)\"; i=$((i+1)); done; exit 3"], env: p.env)
        #expect(r.status == 3, "\(r.err)")
        #expect(r.out.split(separator: "\n").count == n)
        #expect(deaf.connections >= 1)
    }

    /// The engine stops while `run`'s command goes on; the command ends; an engine starts on the
    /// same database: the job is recorded as it ended (the spooled job.end), not as failed
    /// "while no engine was running".
    @Test func aCommandThatEndsWhileNoEngineRunsIsRecordedAsItEnded() throws {
        let p = try PrivatePlace()
        let db = p.dir + "/d.db"
        let first = try startDaemon(p.sock, ["--sample-interval", "0", "--db", db], env: p.env)
        let marker = p.dir + "/go"
        let run = Process()
        run.executableURL = URL(fileURLWithPath: pipetopBinary)
        run.arguments = ["run", "--job", "survivor", "--name", "survivor-job", "--", "sh", "-c", "while [ ! -e \(marker) ]; do sleep 0.05; done; sleep 0.3; exit 0"]
        run.environment = ProcessInfo.processInfo.environment.merging(p.env) { _, n in n }
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        #expect(try engineState(p.sock) { $0[job: "survivor"]?.pid != nil }?[job: "survivor"]?.pid != nil)
        first.terminate()
        first.waitUntilExit()
        FileManager.default.createFile(atPath: marker, contents: nil)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        #expect(p.spooled.contains { $0.contains("job.end") }, "\(p.spooled)")
        let second = try startDaemon(p.sock, ["--sample-interval", "0", "--db", db], env: p.env)
        defer { second.terminate(); second.waitUntilExit() }
        let s = try #require(try engineState(p.sock) { $0[job: "survivor"]?.state.isTerminal == true })
        let job = try #require(s[job: "survivor"])
        #expect(job.state == .completed, "\(job.state) \(job.error ?? "")")
        // One run, completed: never a failed one first ("ended while no engine was running").
        let history = try runPipetop(["history", "survivor-job", "--socket", p.sock], env: p.env)
        #expect(history.status == 0 && history.out.contains("completed") && !history.out.contains("failed"), "\(history.out)")
    }
}
