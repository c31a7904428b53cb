import Testing
@testable import PipetopCore
@testable import PipetopUI

/// Whatever text a job sends, nothing that reaches a cell can drive the terminal.
@Suite("Control characters in the grid")
struct ControlCharacterTests {
    static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || (u.value >= 0x7F && u.value < 0xA0) }

    @Test func everyControlCharacterIsShownVisibly() {
        var all = ""
        for v in UInt32(0)..<0xA0 where v < 0x20 || v >= 0x7F { all.unicodeScalars.append(Unicode.Scalar(v)!) }
        var g = Grid(width: 400, height: 1)
        g.put("<" + all + ">", x: 0, y: 0)
        #expect(g.cells.allSatisfy { !$0.text.unicodeScalars.contains(where: Self.isControl) })
        let text = g.text
        #expect(text.hasPrefix("<^@^A^B^C^D^E^F^G^H^I^J^K^L^M^N^O^P^Q^R^S^T^U^V^W^X^Y^Z^[^\\^]^^^_^?<80><81>"))
        #expect(text.contains("<9b><9c><9d><9e><9f>>"))
    }

    @Test func escapeSequencesBecomeText() {
        var g = Grid(width: 60, height: 1)
        g.put("a\u{1B}]2;t\u{07}b\u{1B}[31mc\r\n\u{9B}2J", x: 0, y: 0)
        #expect(g.text.hasPrefix("a^[]2;t^Gb^[[31mc^M^J<9b>2J"))
    }

    @Test func truncationAndFittingKeepThemVisible() {
        #expect(TextWidth.fit("\u{1B}c", 4) == "^[c ")
        #expect(TextWidth.truncate("x\u{1B}[2Jyyyy", to: 5) == "x^[[…")
        #expect(TextWidth.columns(TextWidth.visible("\u{1B}\u{7F}\u{85}")) == 8)
    }

    @Test func aCellWrittenDirectlyIsCheckedByTheBackendToo() {
        // Views write through `put`; the backend still refuses control characters in a cell.
        #expect(NCursesTerminal.cellScalars("\u{1B}x", asciiOnly: false) == [UInt32(0xFFFD), UInt32(UInt8(ascii: "x"))])
        #expect(NCursesTerminal.cellScalars("\u{9B}", asciiOnly: true) == [UInt32(UInt8(ascii: "?"))])
        #expect(NCursesTerminal.cellScalars("é", asciiOnly: false) == [UInt32(0xE9)])
        #expect(NCursesTerminal.cellScalars("", asciiOnly: false) == [UInt32(UInt8(ascii: " "))])
        // A tqdm bar's blocks are `#` in ASCII (as the dashboard's own bars), other text `?`.
        for block in ["█", "▏", "▌", "▉", "▁", "▓"] {
            #expect(NCursesTerminal.cellScalars(block, asciiOnly: true) == [UInt32(UInt8(ascii: "#"))], "\(block)")
            #expect(NCursesTerminal.cellScalars(block, asciiOnly: false) == block.unicodeScalars.map(\.value))
        }
        #expect(NCursesTerminal.cellScalars("é", asciiOnly: true) == [UInt32(UInt8(ascii: "?"))])
    }
}
