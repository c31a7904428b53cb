import Foundation
import Testing
@testable import pipetop

/// `pipetop config check` says "ok" only for a file the daemon and the dashboard take as it
/// is; and the daemon, refusing a setting of the file, names the key and the file.
@Suite("Config checks made at start")
struct ConfigStartCheckTests {
    static let refused = """
        theme = "nonexistent-theme"

        [engine]
        allow_group = "no-such-group-xyz"
        """

    @Test func configCheckSaysWhatTheDaemonAndTheDashboardWouldRefuse() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.toml"
        try Self.refused.write(toFile: path, atomically: false, encoding: .utf8)
        let r = try runPipetop(["config", "check", "--config", path], env: ["XDG_CONFIG_HOME": dir])
        #expect(r.status == 1, "\(r)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.out)")
        // The theme: the names known, and where a theme file of that name would be read.
        #expect(lines.first?.hasPrefix("\(path):1: key 'theme': theme 'nonexistent-theme' not found (built in: default, ") == true, "\(r.out)")
        #expect(lines.first?.contains("\(dir)/pipetop/themes/nonexistent-theme.theme") == true, "\(r.out)")
        #expect(lines.dropFirst().first?.hasPrefix("\(path):4: key 'allow_group': there is no group 'no-such-group-xyz'") == true, "\(r.out)")
        #expect(lines.last == "2 problems; the items named are left out, the rest applies")
    }

    @Test func configCheckTakesAThemeAndAGroupThatExist() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.toml"
        let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
        try "theme = \"light\"\n[engine]\nallow_group = \"\(group)\"\n".write(toFile: path, atomically: false, encoding: .utf8)
        let r = try runPipetop(["config", "check", "--config", path], env: ["XDG_CONFIG_HOME": dir])
        #expect(r.status == 0 && r.out == "ok: 0 rules, 0 notifiers (\(path))\n", "\(r)")
    }

    @Test func aSocketPathTooLongForAUnixSocketIsAProblem() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.toml"
        try "socket = \"/tmp/\(String(repeating: "s", count: 120)).sock\"\n".write(toFile: path, atomically: false, encoding: .utf8)
        let r = try runPipetop(["config", "check", "--config", path], env: ["XDG_CONFIG_HOME": dir])
        #expect(r.status == 1 && r.out.hasPrefix("\(path):1: key 'socket': the path is 130 bytes long, more than a Unix socket's 107"), "\(r)")
    }

    @Test func theDaemonNamesTheConfigKeyAndFileOfAGroupThatDoesNotExist() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
        try Self.refused.write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
        let r = try runPipetop(["daemon", "--socket", dir + "/d.sock", "--db", ":memory:", "--sample-interval", "0"],
                               env: ["XDG_CONFIG_HOME": dir])
        #expect(r.status != 0, "\(r)")
        #expect(r.err.contains("allow_group in \(dir)/pipetop/config.toml (line 4): there is no group 'no-such-group-xyz'"), "\(r.err)")
        #expect(!r.err.contains("--allow-group"), "\(r.err)")
        // Given as a flag, the flag is named.
        let flag = try runPipetop(["daemon", "--socket", dir + "/d.sock", "--db", ":memory:", "--allow-group", "no-such-group-abc"])
        #expect(flag.status != 0 && flag.err.contains("--allow-group: there is no group 'no-such-group-abc'"), "\(flag)")
    }

    /// Notify targets: a program not on PATH, a file that is not executable, a program that
    /// runs, and one only the shell can tell (an expansion), which is not judged.
    static func notifyConfig(_ dir: String) -> String {
        """
        [[notify]]
        type = "command"
        command = "no-such-notifier-xyz --to ops"

        [[notify]]
        type = "command"
        min_severity = "info"
        command = "\(dir)/notify.sh"

        [[notify]]
        type = "command"
        command = "cat > /dev/null"

        [[notify]]
        type = "command"
        command = "$HOME/bin/whatever"
        """
    }

    @Test func configCheckSaysWhichNotifyCommandCannotRunAndWhy() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.toml"
        try Self.notifyConfig(dir).write(toFile: path, atomically: false, encoding: .utf8)
        try "#!/bin/sh\ncat\n".write(toFile: dir + "/notify.sh", atomically: false, encoding: .utf8)  // 0644: not executable
        let r = try runPipetop(["config", "check", "--config", path], env: ["XDG_CONFIG_HOME": dir, "PATH": "/usr/bin:/bin"])
        #expect(r.status == 1, "\(r)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.out)")
        #expect(lines.first == "\(path):3: [[notify]] command 'no-such-notifier-xyz --to ops': no program 'no-such-notifier-xyz' on PATH (/usr/bin:/bin); "
                + "the target is kept, but every notification to it fails until that is fixed", "\(r.out)")
        #expect(lines.dropFirst().first?.hasPrefix("\(path):8: [[notify]] command '\(dir)/notify.sh': '\(dir)/notify.sh' is not executable; ") == true, "\(r.out)")
        #expect(lines.last == "2 problems; each says what becomes of its item, the rest applies", "\(r.out)")
        // Made executable, it is taken.
        chmod(dir + "/notify.sh", 0o755)
        let after = try runPipetop(["config", "check", "--config", path], env: ["XDG_CONFIG_HOME": dir, "PATH": "/usr/bin:/bin"])
        #expect(after.status == 1 && after.out.split(separator: "\n").count == 2 && !after.out.contains("notify.sh"), "\(after)")
    }

    @Test func theDaemonWarnsOfANotifyCommandThatCannotRunAndStartsAnyway() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
        try Self.notifyConfig(dir).write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
        try "#!/bin/sh\ncat\n".write(toFile: dir + "/notify.sh", atomically: false, encoding: .utf8)
        let sock = dir + "/d.sock", log = dir + "/daemon.log"
        let pid = try spawnServer(["/usr/bin/env", "XDG_CONFIG_HOME=\(dir)", "PATH=/usr/bin:/bin", pipetopBinary, "daemon", "--socket", sock,
                                   "--db", ":memory:", "--sample-interval", "0"], log: log)
        defer { stopChild(pid) }
        #expect(waitForEngine(sock), "the daemon starts: a notify command that cannot run is a warning")
        let err = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(err.contains("pipetop: config: warning: \(dir)/pipetop/config.toml:3: [[notify]] command 'no-such-notifier-xyz --to ops': "
                             + "no program 'no-such-notifier-xyz' on PATH (/usr/bin:/bin)"), "\(err)")
        #expect(err.contains("config.toml:8: [[notify]] command '\(dir)/notify.sh': '\(dir)/notify.sh' is not executable"), "\(err)")
        #expect(!err.contains("whatever") && !err.contains("cat > /dev/null"), "\(err)")
    }

    @Test func theProgramOfAShellCommandIsItsFirstPlainWord() {
        #expect(ShellProgram.firstWord("LANG=C mail -s pipetop ops@example.org") == "mail")
        #expect(ShellProgram.firstWord("  '/opt/my tools/notify' --to ops") == "/opt/my tools/notify")
        #expect(ShellProgram.firstWord("logger -t pipetop; true") == "logger")
        // Only the shell can tell these.
        for command in ["(cd /srv && ./notify)", "if true; then x; fi", "$NOTIFY --to ops", "\"$HOME/n\"", "~/bin/n", "> /tmp/x cat", "n*"] {
            #expect(ShellProgram.firstWord(command) == nil, "\(command)")
        }
        #expect(ShellProgram.problem("echo hi | logger", path: "/nonexistent", directory: "/") == nil, "a builtin always runs")
        #expect(ShellProgram.problem("sh -c true", path: "/nonexistent::/bin", directory: "/") == nil)
        #expect(ShellProgram.problem("no-such-notifier-xyz", path: nil, directory: "/") == "no program 'no-such-notifier-xyz' on PATH (\(ShellProgram.defaultPath))")
        #expect(ShellProgram.problem("./bin", path: nil, directory: "/usr") == "'./bin' is a directory, not a program")
    }
}
