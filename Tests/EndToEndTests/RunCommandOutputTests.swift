import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// `pipetop run` passes the command's output on as if pipetop were not there, and takes from
/// it only events the job reports about itself.
@Suite("pipetop run: output", .serialized)
struct RunCommandOutputTests {
    /// `pipetop run ... -- yes | head -1` in bash with pipefail: the status of the pipeline's
    /// first part (bounded by `timeout`, which answers 124 when it hangs).
    @Test(arguments: [[], ["--progress-from", "stdout"]])
    func aClosedReaderEndsTheCommandWithSIGPIPE(_ extra: [String]) throws {
        let d = try Daemon()
        let line = ([pipetopBinary, "run", "--socket", d.sock] + extra + ["--", "yes"]).joined(separator: " ")
        let r = try runProcess("/usr/bin/timeout", ["30", "bash", "-c", "set -o pipefail; \(line) | head -1"])
        #expect(r.status == 141, "\(r.err)")
        #expect(r.out == "y\n")
        let s = try #require(try engineState(d.sock) { $0.jobs.values.first?.state.isTerminal == true })
        #expect(s.jobs.values.first?.error?.hasPrefix("killed by signal 13") == true)
    }

    @Test(arguments: [[], ["--progress-from", "stdout"]])
    func outputPassesThroughByteForByte(_ extra: [String]) throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        // Lines of every kind too: CR LF, a lone CR, escapes, a PIPETOP-looking line.
        bytes += Array("\r\nline\rover\u{1b}[31mred\u{1b}[0m\nPIPETOP {\"type\":\"log\",\"message\":\"x\"}\nno newline at the end".utf8)
        let input = dir + "/in.bin"
        FileManager.default.createFile(atPath: input, contents: Data(bytes))
        let args = ([pipetopBinary, "run", "--socket", d.sock] + extra + ["--", "cat", input]).map { "'\($0)'" }.joined(separator: " ")
        let r = try runProcess("/bin/sh", ["-c", "\(args) > '\(dir)/out.bin'; cat '\(input)' > '\(dir)/plain.bin'"])
        #expect(r.status == 0, "\(r.err)")
        let through = try Data(contentsOf: URL(fileURLWithPath: dir + "/out.bin"))
        let plain = try Data(contentsOf: URL(fileURLWithPath: dir + "/plain.bin"))
        #expect(through.count == plain.count)
        #expect(through == plain, "the output through pipetop differs from cat's own")
    }

    @Test func eventLinesOfTheOutputChangeOnlyTheRunsOwnJob() throws {
        let d = try Daemon()
        let victim = try EngineConnection(path: d.sock)
        defer { victim.close() }
        #expect(try send(victim, [#"{"type":"job.start","job":"victim","name":"victim","phases":["v"]}"#]).isEmpty)
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = [
            #"see PIPETOP {"type":"progress","phase":"mid","done":5}"#,
            #"PIPETOP {"type":"progress","job":"victim","phase":"v","done":7}"#,
            #"PIPETOP {"type":"silence","job":"*","rule":"job-failed","for":2592000,"by":"log"}"#,
            #"PIPETOP {"type":"job.end","job":"victim","status":"completed"}"#,
            #"PIPETOP {"type":"job.end","status":"completed"}"#,
            #"PIPETOP {"type":"job.start","job":"other","name":"other"}"#,
            #"PIPETOP {"type":"rule","rule":{"name":"r","metric":"cpu","op":">","value":1}}"#,
            #"PIPETOP {"type":"alerts.clear","job":"*"}"#,
            #"PIPETOP {"type":"log","message":"taken"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/untrusted.log", atomically: true, encoding: .utf8)
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "own", "--progress-from", "stdout", "--",
                                "sh", "-c", "cat '\(dir)/untrusted.log'; exit 3"])
        #expect(r.status == 3)
        #expect(r.err.components(separatedBy: "ignored a PIPETOP line").count == 2, "said once: \(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "own"]?.state.isTerminal == true })
        let own = try #require(s[job: "own"])
        #expect(own.state == .failed, "a job.end in the output must not end the job")
        #expect(own.logs.contains { $0.message == "taken" && $0.category == nil }, "the allowed line must be taken")
        #expect(own.phase("mid") == nil, "an event in the middle of a line must not count")
        #expect(s[job: "victim"]?.state == .running)
        #expect(s[job: "victim"]?.phase("v")?.done == 0)
        #expect(s[job: "other"] == nil)
        #expect(s.alertRules.silences.isEmpty)
        #expect(s.alerts.all.contains { $0.kind == "job-failed" && $0.job == "own" })
    }

    /// A stalled engine (stopped with SIGSTOP) takes no events: the command's output keeps
    /// flowing, and a SIGTERM to pipetop ends the command and then pipetop.
    @Test func aStalledEngineNeitherHoldsTheOutputNorPipetopsExit() throws {
        let d = try Daemon()
        kill(d.process.processIdentifier, SIGSTOP)
        defer { kill(d.process.processIdentifier, SIGCONT) }
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        // Many progress lines: far more events than the engine's socket buffer holds.
        p.arguments = ["run", "--socket", d.sock, "--job", "stalled", "--progress-from", "stdout", "--",
                       "sh", "-c", "i=0; while :; do i=$((i+1)); echo \"$i/1000000000\"; [ $i = 200000 ] && touch '\(dir)/flowed'; done"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: dir + "/flowed") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(FileManager.default.fileExists(atPath: dir + "/flowed"), "the command's output did not flow")
        p.terminate()
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 143, "pipetop did not end after SIGTERM")
    }

    /// At a terminal the command sees a terminal of the same size, on stdout and stderr, and
    /// its bytes reach the real terminal unchanged (raw, as tmux's pipe-pane records them: one
    /// `\r\n` per newline, not `\r\r\n` from a second translation).
    @Test func atATerminalTheCommandSeesOne() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        while [ ! -e '\(dir)/go' ]; do sleep 0.05; done
        test -t 1 && test -t 2 && echo both-terminals
        stty size <&1
        printf 'x1\\ny2\\n'
        sleep 0.3
        """.write(toFile: dir + "/cmd.sh", atomically: true, encoding: .utf8)
        let pane = try TmuxPane("\(pipetopBinary) run --socket \(dir)/none.sock -- sh \(dir)/cmd.sh", width: 90, height: 20)
        try TmuxPane.tmux(["-L", pane.server, "pipe-pane", "-t", "0", "-o", "cat >> \(dir)/raw"])
        FileManager.default.createFile(atPath: dir + "/go", contents: nil)
        let (ok, screen) = pane.waitFor { $0.contains("y2") }
        #expect(ok, "\(screen)")
        #expect(screen.contains("both-terminals"), "\(screen)")
        #expect(screen.contains("20 90"), "\(screen)")
        let raw = (try? String(contentsOfFile: dir + "/raw", encoding: .utf8)) ?? ""
        #expect(raw.contains("x1\r\ny2\r\n"), "\(raw.debugDescription)")
    }

    /// Output on its way to a slow reader when the command ends is still delivered: 150 KB fit
    /// in the pipes and the relay's buffer, so the command ends before its reader starts.
    @Test func aSlowReaderGetsEveryByte() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runProcess("/usr/bin/timeout", ["60", "bash", "-c", "'\(pipetopBinary)' run --socket '\(dir)/none.sock' -- head -c 150000 /dev/zero 2>/dev/null | (sleep 2; wc -c)"])
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == "150000", "\(r.out) \(r.err)")
    }

    /// A background process that keeps the output open does not hold pipetop (and the job)
    /// once the command ended and the stream went quiet.
    @Test func aBackgroundProcessHoldingTheOutputDoesNotHoldTheJob() throws {
        let d = try Daemon()
        // posix_spawn and waitpid: Foundation's Process waits on descriptors the background
        // sleep inherits from the test process, and would wait for it.
        let pid = try spawnServer(["/usr/bin/timeout", "20", pipetopBinary, "run", "--socket", d.sock, "--job", "bg", "--", "sh", "-c", "sleep 30 & echo started"],
                                  log: d.dir + "/err")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        #expect((status & 0x7f) == 0 && (status >> 8) & 0xff == 0, "exit \((status >> 8) & 0xff): 124 is a pipetop held by the background process")
        #expect(try engineState(d.sock) { $0[job: "bg"]?.state == .completed }?[job: "bg"]?.state == .completed)
    }
}
