import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Just enough of an xterm to follow what curses programs write: cursor addressing, erasing,
/// inserting and deleting, scroll regions, SGR colours and attributes, UTF-8 and the line
/// drawing set. It keeps the cells, so a benchmark can ask what is on screen and how many
/// cells a burst of output changed. Anything it does not know is skipped, not guessed.
struct TerminalScreen {
    struct Style: Equatable {
        var fg: Int32 = -1, bg: Int32 = -1  // -1: default; 0-255: palette; 1<<24 | rgb: truecolor
        var attrs: UInt16 = 0
    }

    struct Cell: Equatable {
        var text: Unicode.Scalar = " "
        var wide = false  // the right half of a double-width character
        var style = Style()
    }

    let cols: Int, rows: Int
    private(set) var cells: [Cell]
    private var x = 0, y = 0
    private var wrapPending = false
    private var style = Style()
    private var top = 0, bottom: Int
    private var saved = (x: 0, y: 0, style: Style())
    private var lineDrawing = false
    private var last: Unicode.Scalar = " "
    // The parser's state between chunks.
    private enum Mode { case ground, escape, charset(Int), csi, osc }
    private var mode = Mode.ground
    private var params: [UInt8] = []
    private var utf8: [UInt8] = []

    init(cols: Int, rows: Int) {
        self.cols = cols
        self.rows = rows
        bottom = rows - 1
        cells = Array(repeating: Cell(), count: cols * rows)
    }

    /// Row `r` as text (the right halves of wide characters left out).
    func line(_ r: Int) -> String {
        var s = String.UnicodeScalarView()
        for c in cells[r * cols..<(r + 1) * cols] where !c.wide { s.append(c.text) }
        return String(s)
    }

    var text: String { (0..<rows).map(line).joined(separator: "\n") }

    /// Cells that differ between two screens of the same size (character or style).
    static func changed(_ a: [Cell], _ b: [Cell]) -> Int {
        zip(a, b).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    }

    /// The row the cursor is on (what the next bytes are written to, roughly).
    var cursorRow: Int { y }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { feed(b) }
    }

    mutating func feed(_ b: UInt8) {
        switch mode {
        case .ground:
            if !utf8.isEmpty || b >= 0x80 { return utf8Byte(b) }
            switch b {
            case 0x1B: mode = .escape
            case 0x0D: x = 0; wrapPending = false
            case 0x0A, 0x0B, 0x0C: lineFeed()
            case 0x08: x = max(0, x - 1); wrapPending = false
            case 0x09: x = min(cols - 1, (x / 8 + 1) * 8); wrapPending = false
            case 0x20...0x7E: put(Unicode.Scalar(b))
            default: break  // BEL, SO, SI and the rest change nothing on screen
            }
        case .escape:
            mode = .ground
            switch b {
            case UInt8(ascii: "["): mode = .csi; params = []
            case UInt8(ascii: "]"): mode = .osc
            case UInt8(ascii: "("): mode = .charset(0)
            case UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"): mode = .charset(1)
            case UInt8(ascii: "7"): saved = (x, y, style)
            case UInt8(ascii: "8"): (x, y, style) = saved; wrapPending = false
            case UInt8(ascii: "D"): lineFeed()
            case UInt8(ascii: "E"): x = 0; lineFeed()
            case UInt8(ascii: "M"): reverseIndex()
            case UInt8(ascii: "c"): self = TerminalScreen(cols: cols, rows: rows)
            default: break
            }
        case .charset(let g):
            if g == 0 { lineDrawing = b == UInt8(ascii: "0") }
            mode = .ground
        case .osc:
            if b == 0x07 || b == 0x1B { mode = .ground }  // BEL or the start of ST
        case .csi:
            if b >= 0x40 && b <= 0x7E { mode = .ground; csi(final: b) } else { params.append(b) }
        }
    }

    private mutating func utf8Byte(_ b: UInt8) {
        utf8.append(b)
        let need = utf8[0] >= 0xF0 ? 4 : utf8[0] >= 0xE0 ? 3 : utf8[0] >= 0xC0 ? 2 : 1
        guard utf8.count >= need else { return }
        let s = String(decoding: utf8, as: UTF8.self).unicodeScalars.first ?? "?"
        utf8 = []
        put(s)
    }

    /// The line drawing characters curses sends after ESC ( 0, as the Unicode box they stand for.
    private static let lineDrawingSet: [UInt8: Unicode.Scalar] = [
        0x6A: "┘", 0x6B: "┐", 0x6C: "┌", 0x6D: "└", 0x6E: "┼", 0x71: "─", 0x74: "├", 0x75: "┤",
        0x76: "┴", 0x77: "┬", 0x78: "│", 0x61: "▒", 0x60: "◆", 0x7E: "·",
    ]

    private mutating func put(_ ch: Unicode.Scalar) {
        var c = ch
        if lineDrawing, ch.isASCII, let d = Self.lineDrawingSet[UInt8(ch.value)] { c = d }
        let w = Self.isWide(c) ? 2 : 1
        if wrapPending { x = 0; lineFeed() }
        if w == 2 && x == cols - 1 { x = 0; lineFeed() }
        cells[y * cols + x] = Cell(text: c, wide: false, style: style)
        if w == 2 { cells[y * cols + x + 1] = Cell(text: " ", wide: true, style: style) }
        last = c
        if x + w >= cols { x = cols - 1; wrapPending = true } else { x += w }
    }

    /// East Asian wide characters and emoji take two columns (wcwidth is not imported; these
    /// ranges cover what the dashboards measured here can show).
    static func isWide(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD: return true
        default: return false
        }
    }

    private mutating func lineFeed() {
        wrapPending = false
        if y == bottom { scroll(up: 1) } else if y < rows - 1 { y += 1 }
    }

    private mutating func reverseIndex() {
        wrapPending = false
        if y == top { scroll(up: -1) } else if y > 0 { y -= 1 }
    }

    /// Moves the lines of the scroll region up by `n` (down when negative); new lines are blank.
    private mutating func scroll(up n: Int, from first: Int? = nil) {
        let a = first ?? top, height = bottom - a + 1
        guard height > 0 else { return }
        let k = min(abs(n), height)
        var lines = (a...bottom).map { Array(cells[$0 * cols..<($0 + 1) * cols]) }
        let blank = Array(repeating: blankCell, count: cols)
        if n > 0 { lines = Array(lines.dropFirst(k)) + Array(repeating: blank, count: k) } else { lines = Array(repeating: blank, count: k) + Array(lines.dropLast(k)) }
        for (i, l) in lines.enumerated() { cells.replaceSubrange((a + i) * cols..<(a + i + 1) * cols, with: l) }
    }

    /// What erasing leaves: a space in the current background (xterm's back colour erase).
    private var blankCell: Cell { Cell(text: " ", wide: false, style: Style(fg: -1, bg: style.bg, attrs: 0)) }

    private mutating func erase(_ from: Int, _ to: Int) {
        guard from < to else { return }
        let blank = blankCell
        for i in max(0, from)..<min(cells.count, to) { cells[i] = blank }
    }

    private mutating func csi(final: UInt8) {
        let isPrivate = params.first.map { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "=") } ?? false
        let fields = String(decoding: isPrivate ? Array(params.dropFirst()) : params, as: UTF8.self)
            .split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        func p(_ i: Int, _ d: Int = 1) -> Int { i < fields.count ? (fields[i].map { $0 == 0 ? d : $0 } ?? d) : d }
        func raw(_ i: Int) -> Int { i < fields.count ? (fields[i] ?? 0) : 0 }
        if isPrivate {
            let on = final == UInt8(ascii: "h")
            if (final == UInt8(ascii: "h") || final == UInt8(ascii: "l")), [1049, 1047, 47].contains(raw(0)) {
                if on && raw(0) == 1049 { saved = (x, y, style) }
                erase(0, cells.count)
                if !on && raw(0) == 1049 { (x, y, style) = saved }
            }
            return
        }
        let here = y * cols + x
        if final != UInt8(ascii: "m") && final != UInt8(ascii: "b") { wrapPending = false }
        switch final {
        case UInt8(ascii: "A"): y = max(y < top ? 0 : top, y - p(0))
        case UInt8(ascii: "B"): y = min(y > bottom ? rows - 1 : bottom, y + p(0))
        case UInt8(ascii: "C"): x = min(cols - 1, x + p(0))
        case UInt8(ascii: "D"): x = max(0, x - p(0))
        case UInt8(ascii: "E"): x = 0; y = min(rows - 1, y + p(0))
        case UInt8(ascii: "F"): x = 0; y = max(0, y - p(0))
        case UInt8(ascii: "G"), UInt8(ascii: "`"): x = min(cols - 1, p(0) - 1)
        case UInt8(ascii: "d"): y = min(rows - 1, p(0) - 1)
        case UInt8(ascii: "H"), UInt8(ascii: "f"): y = min(rows - 1, p(0) - 1); x = min(cols - 1, p(1) - 1)
        case UInt8(ascii: "J"):
            switch raw(0) {
            case 0: erase(here, cells.count)
            case 1: erase(0, here + 1)
            default: erase(0, cells.count)
            }
        case UInt8(ascii: "K"):
            switch raw(0) {
            case 0: erase(here, (y + 1) * cols)
            case 1: erase(y * cols, here + 1)
            default: erase(y * cols, (y + 1) * cols)
            }
        case UInt8(ascii: "X"): erase(here, min((y + 1) * cols, here + p(0)))
        case UInt8(ascii: "@"), UInt8(ascii: "P"):
            // Insert or delete characters within the line.
            var row = Array(cells[y * cols..<(y + 1) * cols])
            let n = min(p(0), cols - x)
            if final == UInt8(ascii: "@") {
                row.insert(contentsOf: Array(repeating: blankCell, count: n), at: x); row.removeLast(n)
            } else {
                row.removeSubrange(x..<x + n); row.append(contentsOf: Array(repeating: blankCell, count: n))
            }
            cells.replaceSubrange(y * cols..<(y + 1) * cols, with: row)
        case UInt8(ascii: "L"): if y >= top && y <= bottom { scroll(up: -p(0), from: y) }; x = 0
        case UInt8(ascii: "M"): if y >= top && y <= bottom { scroll(up: p(0), from: y) }; x = 0
        case UInt8(ascii: "S"): scroll(up: p(0))
        case UInt8(ascii: "T"): scroll(up: -p(0))
        case UInt8(ascii: "r"):
            top = min(rows - 1, p(0) - 1)
            bottom = min(rows - 1, p(1, rows) - 1)
            if bottom <= top { top = 0; bottom = rows - 1 }
            x = 0; y = 0
        case UInt8(ascii: "b"): for _ in 0..<p(0) { put(last) }
        case UInt8(ascii: "s"): saved = (x, y, style)
        case UInt8(ascii: "u"): (x, y, style) = saved
        case UInt8(ascii: "m"): sgr(fields.map { $0 ?? 0 })
        default: break  // queries and modes: nothing on screen changes
        }
    }

    private mutating func sgr(_ ps: [Int]) {
        var i = 0
        let list = ps.isEmpty ? [0] : ps
        func colour(_ at: inout Int) -> Int32? {
            // 38;5;N or 38;2;R;G;B
            if at + 2 < list.count, list[at + 1] == 5 { at += 2; return Int32(list[at]) }
            if at + 4 < list.count, list[at + 1] == 2 {
                let v = Int32(1 << 24 | list[at + 2] << 16 | list[at + 3] << 8 | list[at + 4]); at += 4; return v
            }
            return nil
        }
        while i < list.count {
            let v = list[i]
            switch v {
            case 0: style = Style()
            case 1...9: style.attrs |= UInt16(1) << v
            case 21, 22: style.attrs &= ~(1 << 1 | 1 << 2)
            case 23...29: style.attrs &= ~(UInt16(1) << (v - 20))
            case 30...37: style.fg = Int32(v - 30)
            case 38: if let c = colour(&i) { style.fg = c }
            case 39: style.fg = -1
            case 40...47: style.bg = Int32(v - 40)
            case 48: if let c = colour(&i) { style.bg = c }
            case 49: style.bg = -1
            case 90...97: style.fg = Int32(v - 90 + 8)
            case 100...107: style.bg = Int32(v - 100 + 8)
            default: break
            }
            i += 1
        }
    }
}
