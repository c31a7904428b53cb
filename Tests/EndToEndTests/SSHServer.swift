import Foundation

/// A real OpenSSH server on loopback for the test's life: a free port, a throwaway host key,
/// a throwaway user key in its own authorized_keys. `options` are what `pipetop attach
/// --ssh-option` needs to log in with that key.
final class SSHServer {
    let dir: String
    let port: UInt16
    /// Started with posix_spawn and reaped here: Foundation's Process reaps its children one
    /// at a time with a blocking wait, and a long-lived sshd stalled the reaping of others.
    private let pid: pid_t

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    init() throws {
        dir = try scratchDir()
        port = try freePort()
        for key in ["host_key", "user_key"] {
            let k = Process()
            k.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
            k.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", "\(dir)/\(key)"]
            try k.run()
            k.waitUntilExit()
        }
        try FileManager.default.copyItem(atPath: "\(dir)/user_key.pub", toPath: "\(dir)/authorized_keys")
        try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(dir)/host_key
            PidFile \(dir)/sshd.pid
            AuthorizedKeysFile \(dir)/authorized_keys
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            """.write(toFile: "\(dir)/sshd_config", atomically: false, encoding: .utf8)
        // sshd run as root wants its privilege-separation directory.
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, "\(dir)/sshd.log", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        let args: [String] = ["/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        guard posix_spawn(&child, "/usr/sbin/sshd", &actions, &attr, argv, environ) == 0 else {
            throw NSError(domain: "SSHServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "cannot start sshd"])
        }
        pid = child
        let ready = poll(seconds: 10) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = port.bigEndian
            return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
        }
        if !ready { throw NSError(domain: "SSHServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "sshd did not start"]) }
    }

    /// `-o` options for ssh (as `pipetop attach --ssh-option` takes them).
    var options: [String] {
        ["Port=\(port)", "IdentityFile=\(dir)/user_key", "IdentitiesOnly=yes", "StrictHostKeyChecking=no",
         "UserKnownHostsFile=/dev/null", "LogLevel=ERROR"]
    }

    var attachArguments: [String] { options.flatMap { ["--ssh-option", $0] } + ["--pipetop", pipetopBinary] }

    deinit {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
