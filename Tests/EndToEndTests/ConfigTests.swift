import Foundation
import Testing
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
        #expect(c == Config(theme: "light", color: "256", ascii: true, fps: 5, socket: "/tmp/x.sock"))
    }

    @Test(arguments: [
        ("colour = \"256\"", "c.toml:1: unknown key 'colour'"),
        ("\nfps = 0", "c.toml:2: key 'fps' must be a number from 1 to 60"),
        ("theme = light", "c.toml:1: key 'theme' needs a quoted string"),
        ("ascii = yes", "c.toml:1: key 'ascii' must be true or false"),
        ("color = \"16\"", "c.toml:1: key 'color' must be auto"),
        ("just text", "c.toml:1: expected key = value"),
    ])
    func badFilesNameTheLineAndKey(_ text: String, _ message: String) {
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
        #expect(e.fps == 10 && e.theme == "default" && e.color == "auto" && !e.ascii)
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
