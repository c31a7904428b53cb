import Foundation
import Testing
import PipetopCore
import PipetopEngine
@testable import pipetop

/// A bad line in config.toml leaves out that item only, every problem is said with its line,
/// and no file can make the parser hang or crash.
@Suite("Config problems")
struct ConfigProblemTests {
    static let mixed = """
        theme = "light"
        colour = "256"          # misspelt: left out
        fps = 5

        [alerts]
        bell = false
        off = ["stall"]         # not a built-in check: left out

        [[rule]]
        name = "typo"
        metric = "phase.rat"    # unknown metric: this rule is left out
        value = 1

        [[rule]]
        name = "slow"
        metric = "phase.rate"
        op = "<"
        value = 100

        [[notify]]
        type = "command"
        command = "cat >> /tmp/x"
        """

    @Test func aBadLineLeavesOutThatItemOnly() {
        let (c, problems) = Config.parseAll(Array(Self.mixed.utf8), file: "c.toml")
        #expect(c.theme == "light" && c.fps == 5 && c.alerts.bell == false)
        #expect(c.alerts.rules.map(\.name) == ["slow"])
        #expect(c.alerts.notify.count == 1)
        #expect(problems.map(\.line) == [2, 7, 9], "\(problems)")
        #expect(problems[0].description.hasPrefix("c.toml:2: unknown key 'colour'"))
        #expect(problems[1].description.hasPrefix("c.toml:7: key 'off': \"stall\" is not a built-in check"))
        #expect(problems[2].description.hasPrefix("c.toml:9: rule 'typo': metric"), "\(problems[2])")
        #expect(problems[2].description.hasSuffix("this [[rule]] is left out"))
    }

    /// A header with its closing bracket missing is said so, not called an unknown section
    /// while the section it meant is listed as known.
    @Test func aHeaderMissingItsBracketIsSaidSo() {
        let (_, problems) = Config.parseAll(Array("[alerts\nbell = false\n[[rule]\n[alert]\n".utf8), file: "c.toml")
        #expect(problems.map(\.description) == [
            "c.toml:1: section header [alerts is missing its closing ] ([alerts]); its lines are left out",
            "c.toml:3: section header [[rule] is missing its closing ] ([[rule]]); its lines are left out",
            "c.toml:4: unknown section [alert] (known: [engine], [alerts], [[rule]], [[notify]], [[sla]]); its lines are left out",
        ], "\(problems)")
    }

    @Test func aLineThatIsNotUTF8IsReportedAndTheRestApplies() {
        var bytes = Array("theme = \"light\"\n".utf8)
        bytes += [0x66, 0x70, 0x73, 0x20, 0x3D, 0x20, 0xFF, 0x0A]  // fps = <0xFF>
        bytes += Array("[[notify]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/h\"\n".utf8)
        let (c, problems) = Config.parseAll(bytes, file: "c.toml")
        #expect(c.theme == "light" && c.alerts.notify.count == 1)
        #expect(problems.map(\.description) == ["c.toml:2: not UTF-8 text; the line is left out"])
    }

    @Test func aFileThatCannotBeReadIsReported() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A directory where the file should be: open works, read fails (root reads any mode).
        try FileManager.default.createDirectory(atPath: dir + "/config.toml", withIntermediateDirectories: true)
        let (_, problems) = Config.load(path: dir + "/config.toml")
        #expect(problems.count == 1 && problems[0].description.contains("cannot be read (Is a directory)"), "\(problems)")
        #expect(Config.load(path: dir + "/missing.toml").1.isEmpty)
    }

    @Test(arguments: [
        (#"name = "a \"quoted\" # not a comment"  # a comment"#, #"a "quoted" # not a comment"#),
        (#"name = 'literal \ #'"#, #"literal \ #"#),
        (#"name = "tab\there""#, "tab\there"),
        (#"name = "caf\u00e9""#, "café"),
    ])
    func stringsKeepWhatIsInsideTheirQuotes(_ line: String, _ expected: String) throws {
        let eq = line.firstIndex(of: "=")!
        #expect(try TOMLValue.parse(line[line.index(after: eq)...]) == .string(expected))
    }

    @Test func nestedValuesAreReadAndDeepNestingIsRefusedQuickly() throws {
        #expect(try TOMLValue.parse(#" [[1, 2], [], {a = "x", "b c" = [true]}, 2.5,]"#)
                == .array([.array([.int(1), .int(2)]), .array([]), .object([("a", .string("x")), ("b c", .array([.bool(true)]))]), .double(2.5)]))
        // 20,000 levels took 112 s and then crashed every command.
        let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        #expect(throws: TOMLValue.Failure.self) { try TOMLValue.parse(Substring(deep)) }
        let (_, problems) = Config.parseAll(Array("[alerts]\noff = \(deep)\nbell = false\n".utf8), file: "c.toml")
        #expect(problems.map(\.description) == ["c.toml:2: key 'off': nested more than \(TOMLValue.maxDepth) levels deep"])
        // Long but flat: read in one pass.
        let wide = "[" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"
        guard case .array(let items) = try TOMLValue.parse(Substring(wide)) else { Issue.record("not an array"); return }
        #expect(items.count == 100_000)
    }

    @Test(arguments: ["\"open", "[1, 2", "{a = 1", "[1 2]", "\"x\" y", "{a}", "", "\"bad \\q\""])
    func brokenValuesAreProblemsNotCrashes(_ text: String) {
        #expect(throws: TOMLValue.Failure.self) { try TOMLValue.parse(Substring(text)) }
    }

    @Test func configCheckListsEveryProblemAndExitsNonZero() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.toml"
        try Self.mixed.write(toFile: path, atomically: false, encoding: .utf8)
        let bad = try runPipetop(["config", "check", "--config", path])
        #expect(bad.status == 1, "\(bad)")
        let lines = bad.out.split(separator: "\n")
        #expect(lines.count == 4 && lines[0].hasPrefix("\(path):2: ") && lines[1].hasPrefix("\(path):7: ") && lines[2].hasPrefix("\(path):9: "), "\(bad.out)")
        #expect(lines[3] == "3 problems; the items named are left out, the rest applies")

        try "theme = \"light\"\n[[rule]]\nname = \"slow\"\nmetric = \"phase.rate\"\nop = \"<\"\nvalue = 100\n".write(toFile: path, atomically: false, encoding: .utf8)
        let good = try runPipetop(["config", "check", "--config", path])
        #expect(good.status == 0 && good.out == "ok: 1 rule, 0 notifiers (\(path))\n", "\(good)")

        let missing = try runPipetop(["config", "check", "--config", dir + "/nope.toml"])
        #expect(missing.status != 0 && missing.err.contains("does not exist"), "\(missing)")
    }

    @Test func theDaemonSaysTheProblemsAtStartAndAppliesTheRest() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/pipetop", withIntermediateDirectories: true)
        try Self.mixed.write(toFile: dir + "/pipetop/config.toml", atomically: false, encoding: .utf8)
        let log = dir + "/daemon.log", sock = dir + "/d.sock"
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = dir
        let pid = try spawn([pipetopBinary, "daemon", "--socket", sock, "--sample-interval", "0"], env: env, stderr: log)
        defer { stopChild(pid) }
        #expect(waitForEngine(sock))
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("pipetop: config: \(dir)/pipetop/config.toml:2: unknown key 'colour'"), "\(text)")
        #expect(text.contains("config.toml:9: rule 'typo'"), "\(text)")
        // The good rule is in force.
        let s = try #require(try engineState(sock))
        #expect(s.alertRules.rules.map(\.name).contains("slow"))
        #expect(!s.alertRules.rules.map(\.name).contains("typo"))
    }
}
