import Foundation

/// A real OpenSSH server on loopback for the test's life: a free port, a throwaway host key,
/// a throwaway user key in its own authorized_keys. `options` are what `pipetop attach
/// --ssh-option` needs to log in with that key.
final class SSHServer {
    let dir: String
    let port: UInt16
    /// Started with `spawnServer` (not Foundation's Process: see there).
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
        pid = try spawnServer(["/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"], log: dir + "/sshd.log")
        let ready = poll(seconds: 10) { acceptsConnections(port: port) }
        if !ready { throw NSError(domain: "SSHServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "sshd did not start"]) }
    }

    /// `-o` options for ssh (as `pipetop attach --ssh-option` takes them).
    var options: [String] {
        ["Port=\(port)", "IdentityFile=\(dir)/user_key", "IdentitiesOnly=yes", "StrictHostKeyChecking=no",
         "UserKnownHostsFile=/dev/null", "LogLevel=ERROR"]
    }

    /// The same, given as people give them to ssh (`-p`, `-i`, `-oK=V`, a bare `K=V`), with no
    /// spaces: the tests join them into a shell command line.
    var attachArguments: [String] {
        ["--ssh-option", "-p\(port)", "--ssh-option", "-i\(dir)/user_key", "--ssh-option", "-oIdentitiesOnly=yes",
         "--ssh-option", "-oStrictHostKeyChecking=no"]
            + ["UserKnownHostsFile=/dev/null", "LogLevel=ERROR"].flatMap { ["--ssh-option", $0] } + ["--pipetop", pipetopBinary]
    }

    deinit {
        stopChild(pid)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
