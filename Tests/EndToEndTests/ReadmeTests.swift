import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// The README's quick start and the three examples, run exactly as written: typed into a fresh
/// interactive shell in tmux, with an engine and without one. A README whose first lines fail
/// is the first thing a new user meets.
@Suite("README as written", .serialized)
struct ReadmeTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The first ```sh block after `heading` in README.md, as its lines.
    static func block(after heading: String) throws -> [String] {
        let text = try String(contentsOfFile: repo + "/README.md", encoding: .utf8)
        let section = try #require(text.range(of: heading)).upperBound
        let open = try #require(text.range(of: "```sh\n", range: section..<text.endIndex))
        let close = try #require(text.range(of: "```", range: open.upperBound..<text.endIndex))
        return text[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    /// A user's fresh world: a home, a runtime dir and a state dir of its own, `pipetop` on PATH.
    final class FreshUser {
        let dir: String
        let env: [String: String]
        init() throws {
            dir = try scratchDir()
            for sub in ["home", "run", "state"] {
                try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
            }
            chmod("\(dir)/run", 0o700)
            env = ["HOME": "\(dir)/home", "XDG_RUNTIME_DIR": "\(dir)/run", "XDG_STATE_HOME": "\(dir)/state",
                   "PATH": URL(fileURLWithPath: pipetopBinary).deletingLastPathComponent().path + ":/usr/local/bin:/usr/bin:/bin",
                   "TERM": "tmux-256color", "LANG": "C.UTF-8"]
        }
        var socket: String { "\(dir)/run/pipetop/pipetop.sock" }
        /// `env -i` with this user's variables: nothing of the test's own environment leaks in.
        var envCommand: String { "env -i " + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
        func run(_ line: String) throws -> (status: Int32, out: String, err: String) {
            try runProcess("/usr/bin/env", ["-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                            + ["bash", "-c", line])
        }
        /// A daemon on this user's default socket (and default database), as `pipetop daemon` would be.
        func startEngine() throws -> Process {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["-i"] + env.map { "\($0.key)=\($0.value)" } + [pipetopBinary, "daemon", "--sample-interval", "0"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            guard waitForEngine(socket) else { throw ClientError("the daemon on \(socket) did not start") }
            return p
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test func theQuickStartTypedIntoAFreshShell() throws {
        let lines = try Self.block(after: "## Report from your jobs")
        #expect(lines.first?.hasPrefix("pipetop daemon &") == true && lines.last?.hasPrefix("pipetop ") == true, "\(lines)")
        let user = try FreshUser()
        let pane = try TmuxPane("\(user.envCommand) bash --norc --noprofile -i", width: 100, height: 30)
        #expect(pane.waitFor { $0.contains("$") || $0.contains("#") }.0)
        // Typed one after another, as a paste would: no waiting for the engine in between.
        for line in lines {
            try pane.keys("-l", line)
            try pane.keys("Enter")
        }
        let (shown, screen) = pane.waitFor(15) { $0.contains("import") && $0.contains("done") && $0.contains("1 job") }
        #expect(shown, "\(screen)")
        try pane.keys("q")
        let (back, after) = pane.waitFor { $0.contains("kill %1") }  // the shell's screen again
        #expect(back, "\(after)")
        try pane.keys("-l", "kill %1; wait; echo engine-stopped")
        try pane.keys("Enter")
        #expect(pane.waitFor { $0.contains("engine-stopped\n") }.0)
    }

    @Test func theDashboardInTheBackgroundSaysWhatToDo() throws {
        let user = try FreshUser()
        let pane = try TmuxPane("\(user.envCommand) bash --norc --noprofile -i", width: 100, height: 30)
        try pane.keys("-l", "pipetop &")
        try pane.keys("Enter")
        let (said, screen) = pane.waitFor { $0.contains("started in the background") && $0.contains("pipetop daemon &") }
        #expect(said, "\(screen)")
        try pane.keys("-l", "jobs; echo jobs-listed")
        try pane.keys("Enter")
        let (listed, s2) = pane.waitFor { $0.contains("jobs-listed\n") }
        #expect(listed && !s2.contains("Stopped"), "\(s2)")
    }

    @Test func theQuickStartsEmitsWithNoEngineReachTheNextOne() throws {
        let emits = try Self.block(after: "## Report from your jobs").filter { $0.hasPrefix("pipetop emit") }
        #expect(emits.count == 5)
        let user = try FreshUser()
        for line in emits {
            let r = try user.run(line)
            #expect(r.status == 0, "\(line): \(r.err)")
        }
        let engine = try user.startEngine()
        defer { engine.terminate(); engine.waitUntilExit() }
        let state = try engineState(user.socket) { $0[job: "j1"]?.state == .completed }
        let job = try #require(state?[job: "j1"])
        #expect(job.state == .completed)
        #expect(job.phase("fetch")?.done == 250)
    }

    @Test(arguments: [true, false])
    func theExamplesRunWithOrWithoutAnEngine(engineFirst: Bool) throws {
        let user = try FreshUser()
        var engine = engineFirst ? try user.startEngine() : nil
        defer { if let engine { engine.terminate(); engine.waitUntilExit() } }
        for c in ["bash \(Self.repo)/examples/pipeline.sh", "make -s -C \(Self.repo)/examples", "python3 \(Self.repo)/examples/etl.py"] {
            let r = try user.run(c)
            #expect(r.status == 0, "\(c): \(r.err)")
        }
        if engine == nil { engine = try user.startEngine() }
        let names = ["example-backup", "example-upload", "example-make", "example-etl"]
        let state = try engineState(user.socket) { s in names.allSatisfy { n in s.jobs.values.contains { $0.name == n && $0.state == .completed } } }
        for n in names {
            let job = state?.jobs.values.first { $0.name == n }
            #expect(job?.state == .completed, "\(n): \(String(describing: job?.state)) \(job?.error ?? "")")
        }
        // The times are the jobs' own, not the delivery's: five archive steps of 0.2 s.
        let archive = try #require(state?.jobs.values.first { $0.name == "example-backup" }?.phase("archive"))
        let took = (archive.endedAt ?? 0) - (archive.startedAt ?? 0)
        #expect(took > 0.8 && took < 5, "archive took \(took) s")
    }
}
