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
}
