import Foundation
import Testing
@testable import PipetopUI

let themesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Themes").standardized

let themeComment = """
pipetop theme. One `role = "style"` per line; roles left out keep the default theme's style.
A style: [#rrggbb | default] [on #rrggbb | on default] [bold] [dim] [reverse] [underline] [italic]
An empty style ("") is the terminal's own colours. Use it with: pipetop --theme PATH
"""

@Suite("Themes")
struct ThemeTests {
    /// Themes/NAME.theme is exactly the built-in theme NAME, so the files people copy are true.
    @Test(arguments: Theme.builtIn)
    func shippedFilesMatchTheBuiltInThemes(_ theme: Theme) throws {
        let url = themesDir.appendingPathComponent("\(theme.name).theme")
        let expected = ThemeFile.write(theme, comment: themeComment)
        if ProcessInfo.processInfo.environment["PIPETOP_UPDATE_GOLDEN"] == "1" {
            try expected.write(to: url, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected)
        #expect(try ThemeFile.parse(text, file: url.path) == theme)
    }

    @Test func partialFilesInheritTheDefault() throws {
        let t = try ThemeFile.parse("""
            # mine
            running = "#ff0000 on #000000 bold underline"
            text = ""
            """, file: "/x/mine.theme")
        #expect(t.name == "mine")
        #expect(t.running == Style(fg: .rgb(255, 0, 0), bg: .rgb(0, 0, 0), attrs: [.bold, .underline]))
        #expect(t.text == Style())
        #expect(t.done == Theme.defaultDark.done)
    }

    @Test(arguments: [
        ("runing = \"#ff0000\"", "t.theme:1: unknown key 'runing'"),
        ("running = #ff0000", "t.theme:1: key 'running': the style must be in double quotes"),
        ("\n\nrunning = \"#ff00\"", "t.theme:3: key 'running': '#ff00' is not a colour"),
        ("running = \"#ff0000 blink\"", "t.theme:1: key 'running': 'blink' is not an attribute"),
        ("running = \"on\"", "t.theme:1: key 'running': 'on' must be followed by a colour"),
        ("just words", "t.theme:1: expected key = \"style\""),
    ])
    func badFilesNameFileLineAndKey(_ text: String, _ message: String) {
        do {
            _ = try ThemeFile.parse(text, file: "t.theme")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
