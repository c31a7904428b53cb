import Foundation
import Testing
import PipetopCore
import PipetopEngine
@testable import pipetop
@testable import PipetopUI

@Suite("Config file and theme choice")
struct ConfigTests {
    @Test func readsTheSettings() throws {
        let c = try Config.parse("""
            # mine
            theme = "light"
            color = "256"   # comment
            ascii = true
            fps = 5
            socket = "/tmp/x.sock"
            """, file: "c.toml")
        #expect(c == Config(theme: "light", color: "256", ascii: true, fps: 5, socket: "/tmp/x.sock",
                              lines: ["theme": 2, "color": 3, "ascii": 4, "fps": 5, "socket": 6]))
    }

    @Test func readsAlertRulesAndNotifications() throws {
        let c = try Config.parse("""
            [alerts]
            off = ["eta-slip", "error-log"]
            bell = false

            [[rule]]
            name = "slow-load"      # a phase below 100 rows/s for two minutes
            metric = "phase.rate"
            op = "<"
            value = 100
            clear = 150
            for = 120
            severity = "critical"
            labels = { team = "data", page = "yes" }
            match = { pipeline = "nightly" }

            [[notify]]
            type = "webhook"
            url = "http://127.0.0.1:9000/hook"

            [[notify]]
            type = "command"
            command = "cat >> /tmp/alerts.jsonl"
            min_severity = "critical"
            """, file: "c.toml")
        #expect(c.alerts.off == ["eta-slip", "error-log"] && !c.alerts.bell)
        let rule = try #require(c.alerts.rules.first)
        #expect(rule == Rule(name: "slow-load", metric: .phaseRate, op: .below, value: 100, clear: 150, forSeconds: 120, severity: .critical,
                             labels: ["team": "data", "page": "yes"], match: ["pipeline": "nightly"]))
        #expect(c.alerts.notify == [NotifyTarget(kind: .webhook, url: "http://127.0.0.1:9000/hook"),
                                    NotifyTarget(kind: .command, command: "cat >> /tmp/alerts.jsonl", minSeverity: .critical)])
    }

    @Test(arguments: [
        ("colour = \"256\"", "c.toml:1: unknown key 'colour'"),
        ("\nfps = 0", "c.toml:2: key 'fps' must be a number from 1 to 60"),
        ("theme = light", "c.toml:1: key 'theme': cannot read value light (strings need quotes)"),
        ("ascii = yes", "c.toml:1: key 'ascii': cannot read value yes"),
        ("ascii = 1", "c.toml:1: key 'ascii' must be true or false"),
        ("[alerts]\noff = [\"stall\"]", "c.toml:2: key 'off': \"stall\" is not a built-in check"),
        ("[[rule]]\nname = \"x\"\nmetric = \"job.cpu\"", "c.toml:1: rule 'x': value: required"),
        ("[[notify]]\ntype = \"webhook\"", "c.toml:1: notify: url: required"),
        ("[jobs]", "c.toml:1: unknown section [jobs]"),
        ("color = \"16\"", "c.toml:1: key 'color' must be auto"),
        ("just text", "c.toml:1: expected key = value"),
    ])
    func badFilesNameTheLineAndKey(_ text: String, _ message: String) {
        // (Rules and notify targets are named by the line their table starts on.)
        do {
            _ = try Config.parse(text, file: "c.toml")
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".hasPrefix(message), "\(error)")
        }
    }

    @Test func flagsWinOverTheFile() throws {
        var d = try DisplayOptions.parse(["--fps", "20"])
        let c = Config(theme: "mono", color: "8", ascii: true, fps: 5, socket: nil)
        var e = d.effective(c)
        #expect(e.fps == 20 && e.theme == "mono" && e.color == "8" && e.ascii)
        d = try DisplayOptions.parse([])
        e = d.effective(Config())
        #expect(e.delay == 1.5 && e.theme == "default" && e.color == "auto" && !e.ascii)
        // --delay is htop's: seconds between refreshes; in the file, `delay` wins over `fps`.
        e = try DisplayOptions.parse(["--delay", "3"]).effective(c)
        #expect(e.delay == 3)
        #expect(Config(fps: 5, delay: 2).delay == 2 && d.effective(Config(fps: 5, delay: 2)).delay == 2)
        #expect(throws: (any Error).self) { try DisplayOptions.parse(["--delay", "1", "--fps", "5"]) }
        #expect(throws: (any Error).self) { try DisplayOptions.parse(["--delay", "20"]) }
    }

    @Test func themesResolveByNameFileOrFallBackWithAReason() throws {
        #expect(ThemeChoice.resolve("light").0 == Theme.light)
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/pipetop/themes", withIntermediateDirectories: true)
        try "running = \"#ff0000\"\n".write(toFile: dir + "/pipetop/themes/red.theme", atomically: false, encoding: .utf8)
        let (red, none) = ThemeChoice.resolve("red", environment: ["XDG_CONFIG_HOME": dir])
        #expect(none == nil)
        #expect(red.running.fg == .rgb(255, 0, 0))
        let (fallback, why) = ThemeChoice.resolve("nope", environment: ["XDG_CONFIG_HOME": dir])
        #expect(fallback == Theme.defaultDark)
        #expect(why?.contains("theme 'nope' not found") == true)
        try "bogus = \"#ff0000\"\n".write(toFile: dir + "/bad.theme", atomically: false, encoding: .utf8)
        let (fb2, why2) = ThemeChoice.resolve(dir + "/bad.theme")
        #expect(fb2 == Theme.defaultDark)
        #expect(why2?.contains("bad.theme:1: unknown key 'bogus'") == true)
    }
}
