import Foundation
import Testing
@testable import pipetop
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopWire

/// The newest state of the engine at `sock`, as the CLI reads it (`{"type":"state"}`,
/// checkpoints' data too), asked again until `ok` holds or 5 s pass.
func engineState(_ sock: String, seconds: Double = 5, until ok: (PipelineState) -> Bool = { _ in true }) throws -> PipelineState? {
    let viewer = try EngineConnection(path: sock)
    defer { viewer.close() }
    var last: PipelineState?
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        try viewer.send(#"{"type":"state"}"# + "\n")
        guard let l = try viewer.readLine(timeout: 2), let s = try StateReply.parse(l) else { continue }
        last = s.state
        if ok(s.state) { break }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return last
}

/// A daemon on a private socket for the length of a test.
final class Daemon {
    let dir: String
    let sock: String
    let process: Process
    init(keepHistory: Bool = false) throws {
        dir = try scratchDir()
        sock = dir + "/d.sock"
        process = try startDaemon(sock, ["--sample-interval", "0.2"] + (keepHistory ? ["--db", dir + "/d.db"] : []))
    }
    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

@Suite("pipetop run", .serialized)
struct RunCommandTests {
    @Test func exitStatusProgressAndFinalStateGoThrough() throws {
        let d = try Daemon()
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "r1", "--name", "counter", "--progress-from", "stdout", "--",
                                "sh", "-c", #"for i in 1 2 3 4; do echo "item $i/4"; sleep 0.1; done; echo 'PIPETOP {"type":"log","level":"warn","message":"from inside"}'; exit 3"#])
        #expect(r.status == 3)
        #expect(r.out.contains("item 4/4"), "output must pass through: \(r.out)")
        let s = try #require(try engineState(d.sock) { $0[job: "r1"]?.state == .failed })
        let job = try #require(s[job: "r1"])
        #expect(job.state == .failed)
        #expect(job.error == "exit status 3")
        #expect(job.phase("run")?.done == 4)
        #expect(job.phase("run")?.total == 4)
        #expect(job.logs.contains { $0.message == "from inside" && $0.level == .warn })
        #expect(job.labels["command"]?.hasPrefix("sh -c") == true)
    }

    @Test func aSuccessfulCommandCompletesWithItsEnvironment() throws {
        let d = try Daemon()
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "r2", "--phases", "build,test", "--",
                                "sh", "-c", #"echo "$PIPETOP_JOB $PIPETOP_SOCKET"; sleep 0.6"#])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("r2 \(d.sock)"))
        let s = try #require(try engineState(d.sock) { $0[job: "r2"]?.state == .completed })
        let job = try #require(s[job: "r2"])
        #expect(job.state == .completed)
        #expect(job.phases.map(\.id) == ["build", "test"])
        #expect(job.phase("build")?.state == .done)
        #expect(job.pid != nil)
        #expect((job.resources?.peakRSS ?? 0) > 0, "the command's tree should have been sampled")
    }

    @Test func sigtermIsForwardedAndTheExitStatusPassedOn() throws {
        let d = try Daemon()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        p.arguments = ["run", "--socket", d.sock, "--job", "r3", "--", "sh", "-c", "trap 'echo got-term; kill $! 2>/dev/null; exit 143' TERM; sleep 30 & wait"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        // Once the command runs (the job has its pid) and its shell has set its trap:
        #expect(try engineState(d.sock) { $0[job: "r3"]?.pid != nil } != nil)
        Thread.sleep(forTimeInterval: 0.3)
        p.terminate()  // SIGTERM to pipetop run
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("got-term"), "the command did not get SIGTERM: \(text)")
        #expect(p.terminationStatus == 143)
        let s = try #require(try engineState(d.sock) { $0[job: "r3"]?.state.isTerminal == true })
        // The command caught the SIGTERM sent to pipetop and exited 143: stopped on request.
        #expect(s[job: "r3"]?.state == .canceled)
        #expect(s[job: "r3"]?.error?.hasPrefix("exit status 143 after the SIGTERM") == true)
    }

    @Test func anEngineThatComesLaterIsReportedTo() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/late.sock"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        p.arguments = ["run", "--socket", sock, "--job", "late", "--progress-from", "stdout", "--",
                       "sh", "-c", "sleep 1.5; echo 1/3; sleep 1.2; echo 2/3; sleep 0.3; echo 3/3"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 0.5)
        let d = try startDaemon(sock, ["--sample-interval", "0"])
        defer { d.terminate(); d.waitUntilExit() }
        #expect(waitForEngine(sock))
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let s = try #require(try engineState(sock) { $0[job: "late"]?.state == .completed })
        #expect(s[job: "late"]?.state == .completed)
        #expect((s[job: "late"]?.phase("run")?.done ?? 0) >= 2)
    }

    @Test func withoutAnEngineTheCommandStillRuns() throws {
        let r = try runPipetop(["run", "--socket", "/tmp/pt-none-\(getpid()).sock", "--", "sh", "-c", "echo ran; exit 7"])
        #expect(r.status == 7)
        #expect(r.out.contains("ran"))
        #expect(r.err.contains("the command runs on"))
        #expect(r.err.components(separatedBy: "pipetop run:").count == 2, "warn once: \(r.err)")
    }

    @Test func aLogFileTakesTheOutput() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runPipetop(["run", "--socket", dir + "/none.sock", "--log", dir + "/out.log", "--", "sh", "-c", "echo to-log; echo err-to-log >&2"])
        #expect(r.status == 0)
        #expect(!r.out.contains("to-log"))
        let log = try String(contentsOfFile: dir + "/out.log", encoding: .utf8)
        #expect(log.contains("to-log") && log.contains("err-to-log"))
    }
}

@Suite("Progress read from output")
struct ProgressParserTests {
    @Test(arguments: [
        ("processed 120/1000 files", ProgressParser.Found.progress(.init("N/M", .counts(done: 120, total: 1000)))),
        (" 45%|████▌     | 45/100 [00:01<00:01, 44.2it/s]", .progress(.init("tqdm", .counts(done: 45, total: 100)))),
        ("\r 10%|█  | 10/100 [00:00<00:09]\r 11%|█  | 11/100 [00:00<00:09]", .progress(.init("tqdm", .counts(done: 11, total: 100)))),
        ("copying... 42%", .progress(.init("NN%", .percent(42)))),
        ("done 99.5 %", .progress(.init("NN%", .percent(99.5)))),
        // Colours around the figures (coloured loggers) do not hide them.
        ("\u{1B}[32m processed \u{1B}[1m120\u{1B}[0m/1000\u{1B}[0m", .progress(.init("N/M", .counts(done: 120, total: 1000)))),
        // rsync --info=progress2: 95 of 100 files still to check is 5 done.
        ("    1,234,567  45%   12.34MB/s    0:00:12 (xfr#5, to-chk=95/100)", .progress(.init("rsync", .counts(done: 5, total: 100)))),
        (#"PIPETOP {"type":"progress","phase":"p","done":3}"#, .event(.object([("type", .string("progress")), ("phase", .string("p")), ("done", .int(3))]))),
    ])
    func recognises(_ line: String, _ expected: ProgressParser.Found) {
        #expect(ProgressParser.parse(line) == expected)
    }

    @Test func anEventLineThatIsNotAnObjectIsSaidToBe() {
        #expect(ProgressParser.parse("PIPETOP [1]") == .unreadable("the rest of the line is a JSON array, not an object"))
        guard case .unreadable? = ProgressParser.parse("PIPETOP {oops") else { Issue.record("invalid JSON must be told"); return }
    }

    @Test(arguments: ["2024/11/23 12:00 started", "see /usr/lib/x86_64", "ratio 5/3 is odd", "no numbers here", "300% more",
                      #"mid-line PIPETOP {"type":"log","message":"x"}"#, #" PIPETOP {"type":"log","message":"x"}"#])
    func ignoresWhatIsNotProgress(_ line: String) {
        #expect(ProgressParser.parse(line) == nil, "\(line) -> \(String(describing: ProgressParser.parse(line)))")
    }

    @Test func eventLinesAreReadOnlyFromTheChosenStream() {
        #expect(ProgressParser.parse(#"PIPETOP {"type":"log","message":"x"}"#, reading: .detected) == nil)
    }
}

@Suite("pipetop bridge")
struct BridgeTests {
    /// With history kept, the sync answer waits for the disk: it must still arrive after the
    /// bridge closed its sending side.
    @Test(arguments: [false, true])
    func carriesTheProtocolBothWays(keepHistory: Bool) throws {
        let d = try Daemon(keepHistory: keepHistory)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        p.arguments = ["bridge", "--socket", d.sock]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let lines = [#"{"type":"job.start","job":"via-bridge","name":"bridged"}"#, "not json", #"{"type":"sync","id":"b"}"#]
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(out.contains(#""line":2"#) && out.contains("invalid JSON"), "\(out)")
        #expect(out.contains(#"{"type":"synced","id":"b","line":3}"#), "\(out)")
        #expect(try engineState(d.sock) { $0[job: "via-bridge"] != nil }?[job: "via-bridge"]?.name == "bridged")
    }
}
