import Foundation
import Testing
@testable import PipetopCore

/// `pipetop run` tells what happened: a command that cannot start, a traceback, the phases,
/// the resources used in all. The real binary against a real engine over its socket.
@Suite("pipetop run: what happened", .serialized)
struct RunCommandOutcomeTests {
    static func scratchFiles() throws -> (dir: String, directory: String, notExecutable: String) {
        let dir = try scratchDir()
        let notExec = dir + "/not-exec.sh"
        try "#!/bin/sh\necho hi\n".write(toFile: notExec, atomically: true, encoding: .utf8)
        chmod(notExec, 0o644)
        return (dir, dir, notExec)
    }

    @Test(arguments: [
        ("/nonexistent/cmd", Int32(127), "/nonexistent/cmd: No such file or directory"),
        ("pt-no-such-command-7f3a", 127, "pt-no-such-command-7f3a: command not found"),
        ("DIRECTORY", 126, "Is a directory"),
        ("NOTEXEC", 126, "Permission denied"),
    ])
    func aCommandThatCannotStartFailsItsJobAsAShellWould(_ command: String, _ code: Int32, _ reason: String) throws {
        let d = try Daemon()
        let files = try Self.scratchFiles()
        defer { try? FileManager.default.removeItem(atPath: files.dir) }
        let cmd = command == "DIRECTORY" ? files.directory : command == "NOTEXEC" ? files.notExecutable : command
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "cannot", "--", cmd, "arg"])
        #expect(r.status == code, "\(r.err)")
        #expect(r.err.contains("pipetop run: ") && r.err.contains(reason), "\(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "cannot"]?.state.isTerminal == true })
        let job = try #require(s[job: "cannot"])
        #expect(job.state == .failed)
        #expect(job.error?.contains(reason) == true, "\(job.error ?? "no reason")")
        #expect(!s.alerts.all.contains { $0.kind == "lost" }, "\(s.alerts.all.map(\.message))")
    }

    static let script = """
    import sys
    print("loading rows")
    sys.stderr.write(" 50%|#####     | 1/2 [00:01<00:01,  1.00it/s]\\n")
    sys.stderr.write("WARNING: 3 rows have no date\\n")
    def load(x):
        raise ValueError("bad input: %s" % x)
    load(42)
    """

    @Test func aTracebackIsInTheLogAsLinesAndItsLastLineInTheReason() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.script.write(toFile: dir + "/fail.py", atomically: true, encoding: .utf8)
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "tb", "--", "python3", dir + "/fail.py"])
        #expect(r.status == 1)
        #expect(r.err.hasSuffix("ValueError: bad input: 42\n"), "stderr must pass through unchanged: \(r.err)")
        #expect(r.out == "loading rows\n")
        let s = try #require(try engineState(d.sock) { $0[job: "tb"]?.state.isTerminal == true })
        let job = try #require(s[job: "tb"])
        #expect(job.state == .failed)
        #expect(job.error == #"exit status 1: ValueError: bad input: 42 (after: raise ValueError("bad input: %s" % x))"#, "\(job.error ?? "")")
        let lines = job.logs.map(\.message)
        #expect(!lines.contains { $0.contains("\n") }, "\(lines)")
        // Each stderr line at the level it says: progress is info, a warning warn, the
        // traceback (its indented lines too) and its exception error.
        let stderr = job.logs.filter { $0.category == "stderr" }
        #expect(stderr.first { $0.message.hasPrefix(" 50%|") }?.level == .info, "\(lines)")
        #expect(stderr.first { $0.message == "WARNING: 3 rows have no date" }?.level == .warn, "\(lines)")
        let traceback = stderr.drop { $0.message != "Traceback (most recent call last):" }
        #expect(traceback.count >= 4 && traceback.allSatisfy { $0.level == .error }, "\(traceback.map { "\($0.level) \($0.message)" })")
        #expect(stderr.last?.message == "ValueError: bad input: 42", "\(lines)")
        #expect(job.logs.contains { $0.message == "loading rows" && $0.level == .info && $0.category == "stdout" })
        #expect(s.alerts.all.contains { $0.kind == "job-failed" && $0.message.contains("ValueError: bad input: 42") })
        let report = try runPipetop(["report", "tb", "--socket", d.sock])
        #expect(report.out.contains("ValueError: bad input: 42"), "\(report.out)")
    }

    @Test func progressGoesToThePhaseThatRuns() throws {
        let d = try Daemon()
        let script = #"echo 1/2; echo 2/2; echo 'PIPETOP {"type":"phase.start","phase":"load"}'; echo 3/5; sleep 0.2"#
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "ph", "--phases", "fetch,load,index", "--progress-from", "stdout", "--", "sh", "-c", script])
        #expect(r.status == 0, "\(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "ph"]?.state == .completed })
        let job = try #require(s[job: "ph"])
        #expect(job.phases.map(\.id) == ["fetch", "load", "index"])
        #expect(job.phase("fetch")?.done == 2 && job.phase("fetch")?.total == 2)
        #expect(job.phase("fetch")?.state == .done)
        #expect(job.phase("load")?.done == 3 && job.phase("load")?.total == 5)
        #expect(job.phase("load")?.state == .done)
        #expect(job.phase("index")?.state == .skipped)
    }

    @Test func aCommandReportingItsOwnPhasesLeavesNoPhantomPhase() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/clients/python"
        try """
        import pipetop
        with pipetop.job("own", phases=["read", "write"]) as job:
            with job.phase("read", total=3) as ph:
                ph.advance(3)
            raise RuntimeError("disk gone")
        """.write(toFile: dir + "/own.py", atomically: true, encoding: .utf8)
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "own", "--", "python3", dir + "/own.py"], env: ["PYTHONPATH": clients])
        #expect(r.status == 1, "\(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "own"]?.state.isTerminal == true })
        let job = try #require(s[job: "own"])
        #expect(job.phases.map(\.id) == ["read", "write"], "\(job.phases.map(\.id))")
        #expect(job.phase("read")?.done == 3)
        // The client's exception log (a message with newlines) is kept as lines.
        #expect(!job.logs.contains { $0.message.contains("\n") })
        #expect(job.logs.contains { $0.message == "RuntimeError: disk gone" })
        #expect(s.alerts.all.first { $0.kind == "error-log" }?.message == "RuntimeError: disk gone")
    }

    /// A 3 s busy loop: the job's CPU seconds are what the process itself counted (os.times
    /// at its end, startup included), within 5% or a quarter second (the interpreter's exit,
    /// after it counted, took 0.16 s on a loaded machine); the sampler alone missed the first
    /// and last interval (2.2 s of 3).
    @Test func cpuSecondsOfTheWholeRunAreCounted() throws {
        let d = try Daemon()
        let busy = """
        import os, time
        t = time.process_time()
        while time.process_time() - t < 3.0: sum(range(20000))
        u = os.times()
        print(u.user + u.system)
        """
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "cpu", "--", "python3", "-c", busy])
        #expect(r.status == 0, "\(r.err)")
        let own = try #require(Double(r.out.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(own >= 3.0)
        let s = try #require(try engineState(d.sock) { $0[job: "cpu"]?.state == .completed })
        let cpu = s[job: "cpu"]?.resources?.cpuSeconds ?? 0
        #expect(abs(cpu - own) <= max(own * 0.05, 0.25), "CPU seconds \(cpu), the process counted \(own)")
        let phaseCPU = s[job: "cpu"]?.phases.compactMap(\.usage?.cpuSeconds).reduce(0, +) ?? 0
        #expect(phaseCPU <= cpu + 0.01)
    }

    @Test func bytesWrittenMatchDdsOwnCount() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "dd", "--", "dd", "if=/dev/zero", "of=\(dir)/big", "bs=1M", "count=1000"])
        #expect(r.status == 0, "\(r.err)")
        // "1048576000 bytes (1.0 GB, 1000 MiB) copied, ..."
        let line = try #require(r.err.split(separator: "\n").first { $0.contains(" bytes") && $0.contains("copied") })
        let ddBytes = try #require(Double(line.split(separator: " ")[0]))
        let s = try #require(try engineState(d.sock) { $0[job: "dd"]?.state == .completed })
        let written = Double(s[job: "dd"]?.resources?.writeBytes ?? 0)
        #expect(abs(written - ddBytes) <= ddBytes * 0.02, "written \(written), dd says \(ddBytes)")
    }
}
