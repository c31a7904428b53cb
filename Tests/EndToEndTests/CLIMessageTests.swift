import Foundation
import Testing
import PipetopClient

/// The messages a new user met first: each one sentence, naming what was given and where the
/// command looked.
@Suite("CLI messages")
struct CLIMessageTests {
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func statusWithNoEngineSaysSoOnce() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runPipetop(["status", "--socket", dir + "/none.sock"])
        #expect(r.status == 2)
        #expect(r.err == "pipetop status: no engine is listening on \(dir)/none.sock (there is no socket there); start one with `pipetop daemon`, or give its --socket\n", "\(r.err)")
        #expect(Self.count("no engine", in: r.err) == 1 && Self.count("start one", in: r.err) == 1, "\(r.err)")
    }

    /// A file that is not SQLite's: the daemon says what `report` says of it, not the errno
    /// SQLite left from probing for its journal ("No such file or directory").
    @Test func aFileThatIsNoDatabaseIsSaidSoByTheDaemonAsByReport() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/notadb.db"
        try String(repeating: "not a database, just text\n", count: 8).write(toFile: db, atomically: false, encoding: .utf8)
        let daemon = try runPipetop(["daemon", "--db", db, "--socket", dir + "/d.sock"])
        #expect(daemon.status != 0)
        #expect(daemon.err.contains("\(db) cannot be opened (the file is damaged or not a pipetop database)"), "\(daemon.err)")
        #expect(!daemon.err.contains("No such file"), "\(daemon.err)")
        let report = try runPipetop(["report", "--db", db, "--socket", dir + "/none.sock"])
        #expect(report.err.contains("the file is damaged or not a pipetop database"), "\(report.err)")
    }

    @Test func ackWithNoEngineNamesTheSocketNotAnInMemoryDatabase() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try runPipetop(["ack", "nosuch", "--socket", dir + "/none.sock"])
        #expect(r.status != 0)
        #expect(r.err.contains("pipetop ack: no engine is listening on \(dir)/none.sock; start one with `pipetop daemon`"), "\(r.err)")
        #expect(!r.err.contains(":memory:"), "\(r.err)")
    }

    @Test func exportAsksTheRunningEngineWhichDatabaseItKeeps() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Where export would look on its own: a file that is not there.
        let env = ["PIPETOP_DB": dir + "/elsewhere.db", "XDG_CONFIG_HOME": dir, "XDG_STATE_HOME": dir]

        let memory = try startDaemon(dir + "/m.sock", ["--db", ":memory:", "--sample-interval", "0"], env: env)
        defer { memory.terminate(); memory.waitUntilExit() }
        let none = try runPipetop(["export", "j1", "--socket", dir + "/m.sock"], env: env)
        #expect(none.status != 0)
        #expect(none.err.contains("the engine on \(dir)/m.sock keeps no record of events (it runs with --db :memory:)"), "\(none.err)")
        #expect(!none.err.contains("elsewhere.db"), "\(none.err)")

        let kept = try startDaemon(dir + "/k.sock", ["--db", dir + "/kept.db", "--sample-interval", "0"], env: env)
        defer { kept.terminate(); kept.waitUntilExit() }
        let c = try EngineConnection(path: dir + "/k.sock")
        defer { c.close() }
        _ = try send(c, [#"{"type":"job.start","job":"j1","name":"import","phases":["a"]}"#])
        // The journal writes behind the engine: wait until the event is on disk.
        var r = try runPipetop(["export", "import", "--socket", dir + "/k.sock"], env: env)
        let deadline = Date().addingTimeInterval(10)
        while r.status != 0 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            r = try runPipetop(["export", "import", "--socket", dir + "/k.sock"], env: env)
        }
        #expect(r.status == 0 && r.out.contains(#""job":"j1""#) && r.out.contains(#""type":"job.start""#), "\(r)")
    }

    @Test func anUnknownCommandIsAnErrorThatListsTheCommands() throws {
        let r = try runPipetop(["nosuchcmd"])
        #expect(r.status == 64, "\(r)")
        #expect(r.err.hasPrefix("Error: there is no command 'nosuchcmd'; the commands are dashboard, daemon, "), "\(r.err)")
        #expect(!r.err.contains("Usage: pipetop dashboard") && !r.err.contains("demo-worker"), "\(r.err)")
        // Options of the default command and `help` still work.
        let help = try runPipetop(["help", "status"])
        #expect(help.status == 0 && help.out.contains("pipetop status"), "\(help)")
    }

    /// Every subcommand, as `pipetop --help` and each command's own help list them (nested
    /// ones such as `config check` too), so a new one is checked without being named here.
    static func allCommands() throws -> [[String]] {
        func subcommands(_ command: [String]) throws -> [String] {
            let r = try runPipetop(command + ["--help"], env: ["COLUMNS": "80"])
            guard let start = r.out.range(of: "SUBCOMMANDS:\n") else { return [] }
            // The section ends at its first empty line ("See 'pipetop help ...'" follows).
            let section = r.out[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
            return section.compactMap { line in
                // "  name (default)   What it does."; wrapped descriptions are indented further.
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first,
                      word.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return nil }
                return String(word)
            }
        }
        var all: [[String]] = [[]]
        var queue: [[String]] = [[]]
        while !queue.isEmpty {
            let c = queue.removeFirst()
            guard c.count < 3 else { continue }  // pipetop's commands nest two deep at most
            for name in try subcommands(c) where !all.contains(c + [name]) {
                all.append(c + [name]); queue.append(c + [name])
            }
        }
        return all
    }

    /// At 80 columns every example of every command's help stays on its own line (a long one
    /// goes on with an indented continuation line), and no example line passes 80 columns.
    @Test func helpExamplesAreNotWrapped() throws {
        let commands = try Self.allCommands()
        for name in ["run", "token", "resume", "attach", "config check", "daemon"] {
            #expect(commands.contains(name.split(separator: " ").map(String.init)), "\(name) is found")
        }
        for command in commands {
            let r = try runPipetop(command + ["--help"], env: ["COLUMNS": "80"])
            #expect(r.status == 0, "\(r)")
            var inExamples = false
            for line in r.out.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == "Examples:" { inExamples = true; continue }
                if line.isEmpty { inExamples = false }
                guard inExamples else { continue }
                #expect(line.hasPrefix("  "), "an example of `pipetop \(command.joined(separator: " "))` wraps: \(line)")
                #expect(line.unicodeScalars.count <= 80, "an example of `pipetop \(command.joined(separator: " "))` is too wide: \(line)")
            }
        }
    }

    @Test func theDaemonsStartLineSaysWhereThePageIs() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func startLine(_ http: String, _ name: String) throws -> String {
            let pid = try spawnServer(["/bin/sh", "-c", "exec '\(pipetopBinary)' daemon --socket \(dir)/\(name).sock --db :memory: --sample-interval 0 --http \(http) --http-token-file \(dir)/token > \(dir)/\(name).out"],
                                      log: dir + "/\(name).log")
            defer { stopChild(pid) }
            let deadline = Date().addingTimeInterval(10)
            var text = ""
            while !text.hasSuffix("\n") && Date() < deadline {
                text = (try? String(contentsOfFile: "\(dir)/\(name).out", encoding: .utf8)) ?? ""
                Thread.sleep(forTimeInterval: 0.05)
            }
            return text
        }
        let local = try startLine("0", "a")
        #expect(local.hasPrefix("pipetop engine ") && local.contains("listening on \(dir)/a.sock; the page and web API at http://127.0.0.1:"), "\(local)")
        #expect(!local.contains(":0/") && local.contains("acknowledging and silencing do: `pipetop token`"), "\(local)")
        let wide = try startLine("0.0.0.0:0", "b")
        #expect(wide.contains("at http://0.0.0.0:") && wide.contains("beyond loopback every API request needs the token"), "\(wide)")
    }
}

