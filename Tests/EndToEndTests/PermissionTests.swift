import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// A system user (and optionally a group) made for one test and deleted after it: the "other
/// user" of the permission tests. Needs root (the tests run as root here and in CI).
final class OtherUser: @unchecked Sendable {
    let name: String
    let uid: UInt32
    let gid: UInt32

    init() throws {
        name = "pipetop-test-\(UInt32.random(in: 1000...999_999))"
        let r = try runProcess("/usr/sbin/useradd", ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name])
        guard r.status == 0 else { throw ClientError("useradd \(name) failed: \(r.err)") }
        guard let pw = getpwnam(name) else { throw ClientError("no passwd entry for \(name)") }
        uid = pw.pointee.pw_uid
        gid = pw.pointee.pw_gid
    }

    /// Runs `exe args` as this user: its own uid and primary group; supplementary groups
    /// `groups` (none by default).
    func run(_ exe: String, _ args: [String], groups: [UInt32] = [], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        var priv = ["--reuid=\(uid)", "--regid=\(gid)"]
        priv.append(groups.isEmpty ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ","))
        // HOME and the config must not be root's (the other user cannot read them anyway).
        let e = ["HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent", "PIPETOP_SOCKET": "", "XDG_RUNTIME_DIR": ""].merging(env) { _, n in n }
        return try runProcess("/usr/bin/setpriv", priv + ["--", exe] + args, env: e)
    }

    deinit { _ = try? runProcess("/usr/sbin/userdel", [name]) }
}

/// A group made for one test and deleted after it.
final class TestGroup: @unchecked Sendable {
    let name: String
    let gid: UInt32
    init() throws {
        name = "pipetop-tg-\(UInt32.random(in: 1000...999_999))"
        let r = try runProcess("/usr/sbin/groupadd", ["--system", name])
        guard r.status == 0, let g = getgrnam(name) else { throw ClientError("groupadd \(name) failed: \(r.err)") }
        gid = g.pointee.gr_gid
    }
    deinit { _ = try? runProcess("/usr/sbin/groupdel", [name]) }
}

func mode(_ path: String) -> (mode: UInt32, uid: UInt32, gid: UInt32)? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return (UInt32(st.st_mode) & 0o7777, st.st_uid, st.st_gid)
}

/// A daemon started with posix_spawn, its standard error in a file (the refusal log).
final class LoggedDaemon {
    let pid: pid_t
    let log: String
    init(_ sock: String, _ extra: [String], log: String, env: [String: String] = [:]) throws {
        self.log = log
        for (k, v) in env { setenv(k, v, 1) }
        defer { for k in env.keys { unsetenv(k) } }
        pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--sample-interval", "0"] + extra, log: log)
        guard waitForEngine(sock) else {
            stopChild(pid)
            throw ClientError("the daemon on \(sock) did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }
    var said: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    deinit { stopChild(pid) }
}

@Suite("Who may use the engine", .serialized)
struct PermissionTests {
    /// Socket 0600 and database 0600 (with its WAL files) in 0700 directories; a default
    /// directory left open to others is closed again at start.
    @Test func socketAndDatabaseArePrivate() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A default-style directory someone left world-writable, and a fresh database directory.
        let runDir = "/tmp/pipetop-test-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        chmod(runDir, 0o777)
        let sock = runDir + "/p.sock", db = dir + "/state/p.db"
        let d = try LoggedDaemon(sock, ["--db", db], log: dir + "/log")
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"j","phases":["a"]}"#]).isEmpty)
        c.close()
        #expect(mode(sock)?.mode == 0o600, "socket \(String(mode(sock)?.mode ?? 0, radix: 8))")
        #expect(mode(runDir)?.mode == 0o700, "socket dir \(String(mode(runDir)?.mode ?? 0, radix: 8))")
        #expect(mode(dir + "/state")?.mode == 0o700, "db dir \(String(mode(dir + "/state")?.mode ?? 0, radix: 8))")
        for f in [db, db + "-wal", db + "-shm"] {
            #expect(mode(f)?.mode == 0o600, "\(f): \(mode(f).map { String($0.mode, radix: 8) } ?? "missing")")
        }
        _ = d
    }

    /// Another uid is refused with a reason it can read (emit, run, the dashboard, the Swift
    /// and Python clients), the engine logs it, and goes on serving its own user. The socket is
    /// opened to everybody for the test so that the peer check itself is reached (its normal
    /// 0600 stops the other user at connect(), also tested).
    @Test func anotherUserIsRefusedWithAReason() throws {
        let other = try OtherUser()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        let sock = dir + "/p.sock"
        let d = try LoggedDaemon(sock, [], log: dir + "/log")

        // With the socket as the engine leaves it, the kernel refuses the other user. emit says
        // so and does not fail the caller's script (the event goes to the spool); --strict fails.
        let denied = try other.run(pipetopBinary, ["emit", "log", "--job", "x", "--socket", sock, "message=hi"])
        #expect(denied.status == 0)
        #expect(denied.err.contains("ermission denied"), "\(denied.err)")
        let strict = try other.run(pipetopBinary, ["emit", "--strict", "log", "--job", "x", "--socket", sock, "message=hi"])
        #expect(strict.status != 0 && strict.err.contains("ermission denied"), "\(strict.err)")

        chmod(sock, 0o666)
        let expected = "uid \(other.uid) may not use this engine (it belongs to uid \(getuid()))"
        let emit = try other.run(pipetopBinary, ["emit", "log", "--job", "x", "--socket", sock, "message=hi"])
        #expect(emit.status == 0)
        #expect(emit.err.contains(expected), "emit said: \(emit.err)")
        let strictEmit = try other.run(pipetopBinary, ["emit", "--strict", "log", "--job", "x", "--socket", sock, "message=hi"])
        #expect(strictEmit.status != 0 && strictEmit.err.contains(expected), "emit --strict said: \(strictEmit.err)")

        let run = try other.run(pipetopBinary, ["run", "--socket", sock, "--job", "x2", "--", "sh", "-c", "echo ran; exit 4"])
        #expect(run.status == 4, "the command still runs and its status passes: \(run.err)")
        #expect(run.out.contains("ran"))
        #expect(run.err.contains(expected), "run said: \(run.err)")

        let dash = try other.run(pipetopBinary, ["--socket", sock])
        #expect(dash.status != 0)
        #expect(dash.err.contains(expected), "dashboard said: \(dash.err)")

        // The Python client says it once and the program goes on.
        // A copy the other user can read (a checkout may sit in a private directory, as CI's does).
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/python/pipetop").path
        let clients = dir + "/py"
        try FileManager.default.createDirectory(atPath: clients, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: clients + "/pipetop")
        _ = try runProcess("/bin/chmod", ["-R", "a+rX", clients])
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            let py = try other.run("/usr/bin/python3", ["-c", """
                import pipetop, time
                with pipetop.job("py-other", phases=["a"]) as j:
                    with j.phase("a", total=3) as p:
                        for _ in range(3): p.advance(); time.sleep(0.2)
                print("python done")
                """], env: ["PYTHONPATH": clients, "PIPETOP_SOCKET": sock])
            #expect(py.status == 0, "\(py.err)")
            #expect(py.out.contains("python done"))
            #expect(py.err.contains(expected), "python said: \(py.err)")
        }

        // The engine logged it, and its own user is served as before.
        #expect(d.said.contains("refused a connection from pid") && d.said.contains(expected), "log: \(d.said)")
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"mine","phases":["a"]}"#]).isEmpty)
        let s = try #require(try engineState(sock) { $0[job: "mine"] != nil })
        #expect(s[job: "mine"] != nil)
        #expect(s[job: "x"] == nil && s[job: "x2"] == nil && s[job: "py-other"] == nil, "nothing of the other user's got in")

        // The Swift client (in this process, as root) is let in: root is.
        #expect(PeerPolicy(ownerUID: 4242, group: nil).refusal(uid: 0, gid: 0, pid: getpid()) == nil)
    }

    /// `--allow-group` (and `[engine] allow_group`): the socket 0660 and its default
    /// directory 0750 with that group; a member gets in, a non-member does not.
    @Test func aGroupCanBeLetIn() throws {
        let group = try TestGroup()
        let member = try OtherUser(), outsider = try OtherUser()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        let runDir = "/tmp/pipetop-test-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(atPath: runDir) }
        let sock = runDir + "/p.sock"
        // From the config file this time.
        try FileManager.default.createDirectory(atPath: dir + "/cfg/pipetop", withIntermediateDirectories: true)
        try "[engine]\nallow_group = \"\(group.name)\"\n".write(toFile: dir + "/cfg/pipetop/config.toml", atomically: true, encoding: .utf8)
        let d = try LoggedDaemon(sock, [], log: dir + "/log", env: ["XDG_CONFIG_HOME": dir + "/cfg"])
        // The engine sets the group's mode right after it starts listening: give it a moment.
        let until = Date().addingTimeInterval(5)
        while Date() < until, mode(sock).map({ ($0.mode, $0.gid) }) ?? (0, 0) != (0o660, group.gid) { usleep(10_000) }
        #expect(mode(sock).map { ($0.mode, $0.gid) } ?? (0, 0) == (0o660, group.gid), "socket \(String(describing: mode(sock)))")
        #expect(mode(runDir).map { ($0.mode, $0.gid) } ?? (0, 0) == (0o750, group.gid), "dir \(String(describing: mode(runDir)))")

        let ok = try member.run(pipetopBinary, ["emit", "job.start", "--job", "shared", "--socket", sock], groups: [group.gid])
        #expect(ok.status == 0, "a member: \(ok.err)")
        let no = try outsider.run(pipetopBinary, ["emit", "--strict", "job.start", "--job", "outsider", "--socket", sock])
        #expect(no.status != 0)
        #expect(no.err.contains("ermission denied"), "\(no.err)")
        // With the directory opened, the outsider reaches the peer check and is told about the group.
        chmod(runDir, 0o755)
        chmod(sock, 0o666)
        let told = try outsider.run(pipetopBinary, ["emit", "job.start", "--job", "outsider", "--socket", sock])
        #expect(told.err.contains("only members of group '\(group.name)'"), "\(told.err)")
        let s = try #require(try engineState(sock) { $0[job: "shared"] != nil })
        #expect(s[job: "shared"] != nil && s[job: "outsider"] == nil)
        _ = d

        // The flag works as the config key does, and an unknown group is a clear error.
        let bad = try runPipetop(["daemon", "--socket", dir + "/x.sock", "--allow-group", "no-such-group-\(getpid())"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("there is no group 'no-such-group-"), "\(bad.err)")
    }

    /// A bare port (or one with no host) serves metrics on loopback only.
    @Test func metricsListenOnLoopbackUnlessToldOtherwise() throws {
        #expect(try MetricsServer.parse("9100") == ("127.0.0.1", 9100))
        #expect(try MetricsServer.parse(":9100") == ("127.0.0.1", 9100))
        #expect(try MetricsServer.parse("0.0.0.0:9100") == ("0.0.0.0", 9100))
        #expect(try MetricsServer.parse("[::1]:9100") == ("::1", 9100))
        #expect(throws: (any Error).self) { try MetricsServer.parse("nine") }

        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = try freePort()
        let d = try LoggedDaemon(dir + "/m.sock", ["--metrics", "\(port)"], log: dir + "/log")
        let deadline = Date().addingTimeInterval(5)
        while !acceptsConnections(port: port) && Date() < deadline { usleep(50_000) }
        #expect(acceptsConnections(port: port), "nothing on 127.0.0.1:\(port)")
        // Not on the host's other addresses.
        for address in nonLoopbackIPv4() {
            #expect(!acceptsConnections(port: port, host: address), "metrics reachable on \(address):\(port)")
        }
        _ = d
    }
}

/// This host's IPv4 addresses other than loopback.
func nonLoopbackIPv4() -> [String] {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0 else { return [] }
    defer { freeifaddrs(list) }
    var out: [String] = []
    var p = list
    while let a = p {
        if let sa = a.pointee.ifa_addr, sa.pointee.sa_family == sa_family_t(AF_INET) {
            var buf = [CChar](repeating: 0, count: 64)
            let sin = UnsafeRawPointer(sa).assumingMemoryBound(to: sockaddr_in.self)
            var addr = sin.pointee.sin_addr
            inet_ntop(AF_INET, &addr, &buf, 64)
            let s = String(cString: buf)
            if !s.hasPrefix("127.") { out.append(s) }
        }
        p = a.pointee.ifa_next
    }
    return out
}

func acceptsConnections(port: UInt16, host: String) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr(host)
    addr.sin_port = port.bigEndian
    return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}
