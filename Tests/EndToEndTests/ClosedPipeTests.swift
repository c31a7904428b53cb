import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopStore
@testable import PipetopWire

/// No write may end the engine: a notify command that does not read its input, an https
/// webhook with no curl, a log reader that went away (issue 17: each of these killed it).
@Suite("Writes to closed pipes", .serialized)
struct ClosedPipeTests {
    /// A daemon with `config` as its config file and `env` added, its standard error in `log`.
    final class Daemon {
        let dir: String, sock: String, db: String
        let pid: pid_t
        init(config: (String) -> String, env: [String: String] = [:], stderr: String? = nil) throws {
            dir = try scratchDir()
            sock = dir + "/d.sock"
            db = dir + "/pipetop.db"
            try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
            try config(dir).write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
            environment["XDG_CONFIG_HOME"] = dir
            pid = try spawn([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"],
                            env: environment, stderr: stderr ?? dir + "/daemon.log")
            guard waitForEngine(sock) else { throw ClientError("the daemon did not start") }
        }
        var alive: Bool { kill(pid, 0) == 0 && !isZombie(pid) }
        /// Stops it; its exit status as waitpid gives it.
        func stop() -> Int32 {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return status
        }
        deinit {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, WNOHANG)
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// A job whose name and alert message together make a notification bigger than a pipe's
    /// 64 KiB buffer: the write cannot finish before the command exits.
    static let bigAlert = [
        JSONWriter.string(.object([("type", .string("job.start")), ("job", .string("j")), ("name", .string(String(repeating: "n", count: 40_000)))])),
        JSONWriter.string(.object([("type", .string("alert")), ("job", .string("j")), ("severity", .string("critical")),
                                   ("name", .string("big")), ("message", .string(String(repeating: "m", count: 40_000)))])),
    ]

    @Test func aNotifyCommandThatDoesNotReadItsInputDoesNotEndTheEngine() throws {
        // `touch` ignores its input, like `true` or `logger -t pipetop ...`; the file it makes
        // tells that the command ran. Deliveries to a target go one at a time, in order: once the
        // second alert's command ran, the first one's input was written (or given up).
        let d = try Daemon { dir in "[[notify]]\ntype = \"command\"\ncommand = \"touch \(dir)/ran-$(date +%s%N)\"\nmin_severity = \"info\"\n" }
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        #expect(try send(c, Self.bigAlert).isEmpty)
        #expect(try send(c, [#"{"type":"alert","job":"j","severity":"critical","name":"after","message":"second"}"#]).isEmpty)
        let ran = poll(seconds: 20) {
            ((try? FileManager.default.contentsOfDirectory(atPath: d.dir)) ?? []).filter { $0.hasPrefix("ran-") }.count >= 2
        }
        #expect(ran, "the command did not run for both alerts")
        #expect(d.alive, "the engine died writing to a command that does not read its input")
        // It goes on, and what was synced is kept.
        #expect(try send(c, [#"{"type":"log","job":"j","message":"still here"}"#]).isEmpty)
        c.close()
        let status = d.stop()
        #expect(status == 0, "the engine ended with status \(status)")
        let rows = try Store(path: d.db).entries(job: "j")
        #expect(rows.contains { $0.line.contains("still here") } && rows.count == 4, "\(rows.count) rows")
    }

    @Test func anHTTPSWebhookWithoutCurlIsAReasonNotACrash() throws {
        let d = try Daemon(config: { _ in "[[notify]]\ntype = \"webhook\"\nurl = \"https://127.0.0.1:9/hook\"\nattempts = 1\nmin_severity = \"info\"\n" },
                           env: ["PATH": "/nonexistent"])
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        #expect(try send(c, Self.bigAlert).isEmpty)
        // Given up at once (one attempt), and said as pipetop's own alert.
        var listed = ""
        let said = poll(seconds: 20) {
            listed = (try? runPipetop(["alerts", "--socket", d.sock]).out) ?? ""
            return listed.contains("pipetop/-/notify")
        }
        #expect(said, "\(listed)")
        #expect(listed.contains("https needs curl(1), which is not on PATH"), "\(listed)")
        #expect(d.alive)
        #expect(try send(c, [#"{"type":"log","job":"j","message":"still here"}"#]).isEmpty)
    }

    @Test func aDaemonWhoseStandardErrorIsAClosedPipeKeepsRunning() throws {
        // `pipetop daemon 2>&1 | head -n1`: the reader is gone before the first warning (here,
        // a config problem said at start) is written.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let d = try Daemon(config: { _ in "colour = \"256\"\n" }, stderr: "/dev/fd/\(fds[1])")
        close(fds[1])
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"kept"}"#]).isEmpty)
        #expect(d.alive, "the daemon died writing its first warning to a closed pipe")
        c.close()
        let status = d.stop()
        #expect(status == 0, "the engine ended with status \(status)")
        #expect(try Store(path: d.db).entries(job: "j").count == 1)
    }
}

/// Starts a program with posix_spawn, standard error to `stderr` (a path; /dev/fd/N for an
/// inherited descriptor), standard output to /dev/null.
func spawn(_ args: [String], env: [String: String], stderr: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    if stderr.hasPrefix("/dev/fd/"), let fd = Int32(stderr.dropFirst(8)) {
        posix_spawn_file_actions_adddup2(&actions, fd, 2)
    } else {
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    // Default signal actions, as from a shell (SIGPIPE included).
    posix_spawnattr_setsigmask(&attr, &none)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for a in argv + envp { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, args[0], &actions, &attr, argv, envp)
    guard rc == 0 else { throw ClientError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
    return pid
}

/// Whether a child has exited but is not reaped yet.
func isZombie(_ pid: pid_t) -> Bool {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
}
