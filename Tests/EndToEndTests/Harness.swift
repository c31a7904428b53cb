import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// The `pipetop` binary that `swift test` built beside the test bundle. Engines started by
/// the tests keep no history (PIPETOP_DB=:memory:) unless a test gives --db: they must not
/// share, or read, the user's database.
let pipetopBinary: String = {
    setenv("PIPETOP_DB", ":memory:", 1)
    // Events spooled while no engine runs go to a private spool, never the user's.
    // Made now, private: a test's other user must not make it first (the engines' spool
    // drains would then find another user's directory).
    let state = "/tmp/pt-state-\(getpid())"
    mkdir(state, 0o700)
    setenv("XDG_STATE_HOME", state, 1)
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("pipetop").path
}()

/// A short private directory for sockets (Unix socket paths are limited to 107 bytes).
func scratchDir() throws -> String {
    let d = "/tmp/pt-e2e-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

/// A private tmux server with one pane running a command: what a person at a terminal sees.
final class TmuxPane: @unchecked Sendable {
    let server = "pt-\(UUID().uuidString.prefix(8))"

    /// The server's config: panes stay after their command ends, from the very start (set
    /// after new-session, a command that ends at once took its pane and status with it).
    static let config: String = {
        let path = "/tmp/pt-tmux-\(getpid()).conf"
        try? "set -g remain-on-exit on\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    init(_ command: String, width: Int = 80, height: Int = 24, env: [String: String] = [:]) throws {
        var args = ["-L", server, "-f", Self.config, "new-session", "-d", "-x", "\(width)", "-y", "\(height)"]
        for (k, v) in env.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(k)=\(v)"] }
        args.append(command)
        // The server this starts outlives the call: it must not inherit a pipe we read to the end.
        try Self.tmux(args, capture: false)
        try Self.tmux(["-L", server, "set-option", "-g", "remain-on-exit", "on"])
    }

    /// Runs tmux with posix_spawn and waitpid. (Foundation's Process never sees the
    /// `new-session` client exit: the server it forks keeps an inherited descriptor open.)
    @discardableResult
    static func tmux(_ args: [String], capture: Bool = true) throws -> String {
        let outPath = NSTemporaryDirectory() + "pt-tmux-\(UUID().uuidString)"
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = (["tmux"] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // The test runner's threads block signals; the tmux server and its panes must not
        // inherit that mask (the dashboard would never see SIGWINCH).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "tmux", &actions, &attr, argv, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard capture else { return "" }
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    var screen: String { (try? Self.tmux(["-L", server, "capture-pane", "-p", "-S", "-50", "-t", "0"])) ?? "" }

    func keys(_ k: String...) throws { try Self.tmux(["-L", server, "send-keys", "-t", "0"] + k) }

    /// Waits until the screen satisfies `ok`; returns the last screen either way.
    @discardableResult
    func waitFor(_ seconds: Double = 10, _ ok: (String) -> Bool) -> (Bool, String) {
        let deadline = Date().addingTimeInterval(seconds)
        var s = screen
        while Date() < deadline {
            if ok(s) { return (true, s) }
            Thread.sleep(forTimeInterval: 0.1)
            s = screen
        }
        return (ok(s), s)
    }

    var paneDead: Bool { ((try? Self.tmux(["-L", server, "display-message", "-p", "-t", "0", "#{pane_dead}"])) ?? "").hasPrefix("1") }

    deinit { _ = try? Self.tmux(["-L", server, "kill-server"]) }
}

/// Runs the binary to completion without a terminal.
func runPipetop(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    try runProcess(pipetopBinary, args, env: env)
}

/// Runs a program to its end (standard input empty): its status and output.
func runProcess(_ exe: String, _ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(env) { _, n in n }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Waits until an engine answers on `path`.
func waitForEngine(_ path: String, seconds: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let c = try? EngineConnection(path: path) { c.close(); return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

/// The pid of the process whose command line contains `needle` (e.g. a unique socket path).
func pidOf(commandContaining needle: String, seconds: Double = 5) -> pid_t? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != getpid(),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let parts = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if parts.first?.hasSuffix("/pipetop") == true && parts.contains(where: { $0.contains(needle) }) { return pid }
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
}

/// Sends lines and waits until the engine applied them; returns the error replies.
func send(_ conn: EngineConnection, _ lines: [String]) throws -> [Reply] {
    try conn.send(lines.map { $0 + "\n" }.joined())
    return try conn.sync()
}

/// Starts `pipetop daemon` on `sock` (plus `extra` arguments) and waits until it answers.
func startDaemon(_ sock: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: pipetopBinary)
    p.arguments = ["daemon", "--socket", sock] + extra
    if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new } }
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    guard waitForEngine(sock) else { throw ClientError("the daemon on \(sock) did not start") }
    return p
}

/// A TCP socket listening on 127.0.0.1 at a free port (nothing accepts unless the caller does).
func loopbackListener() throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw ClientError("cannot listen on loopback: \(String(cString: strerror(errno)))") }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return (fd, UInt16(bigEndian: addr.sin_port))
}

/// A TCP port free on loopback just now.
func freePort() throws -> UInt16 {
    let (fd, port) = try loopbackListener()
    close(fd)
    return port
}

/// Whether something accepts connections on 127.0.0.1:`port`.
func acceptsConnections(port: UInt16) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = port.bigEndian
    return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}

/// Starts a long-lived server for a test with posix_spawn (its standard error to `log`), to
/// be stopped with `stopChild`. Foundation's Process reaps its children one at a time with a
/// blocking wait, so a server that outlives other children would stall their reaping.
func spawnServer(_ args: [String], log: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // No descriptor of ours may be inherited (a test reading a pipe to its end would hang).
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attr, &none)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
    let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, args[0], &actions, &attr, argv, environ)
    guard rc == 0 else { throw ClientError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
    return pid
}

func stopChild(_ pid: pid_t) {
    kill(pid, SIGTERM)
    var status: Int32 = 0
    for _ in 0..<300 { if waitpid(pid, &status, WNOHANG) == pid { return }; usleep(10_000) }
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
}

/// Polls `make` until it gives a value or `seconds` pass.
func pollValue<T>(seconds: Double, _ make: () -> T?) -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let v = make() { return v }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return nil
}
