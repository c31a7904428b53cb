import CNCurses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts grids on a real terminal through ncursesw and reads keys.
///
/// Only cells that changed since the last frame are written into curses' virtual screen;
/// `doupdate` then sends only what differs. The real screen is never cleared per frame.
public final class NCursesTerminal: TerminalBackend {
    public enum StartError: Error, CustomStringConvertible {
        case notATerminal
        case unknownTerminal(String)
        /// The terminal cannot move its cursor (TERM=dumb, a printing terminal): a full screen
        /// cannot be drawn on it.
        case cannotMoveCursor(String)

        static let elsewhere = "`pipetop report` prints a text summary, `pipetop daemon` runs the engine alone"

        public var description: String {
            switch self {
            case .notATerminal:
                return "the dashboard needs a terminal, and stdin/stdout is not one (run `pipetop daemon` for the engine alone)"
            case .unknownTerminal(let t) where t.isEmpty:
                return "the dashboard needs to know the terminal, and TERM is not set; set it (e.g. TERM=xterm-256color), or: \(Self.elsewhere)"
            case .unknownTerminal(let t):
                return "the terminal type TERM=\(t) is unknown to terminfo; try TERM=xterm-256color, or: \(Self.elsewhere)"
            case .cannotMoveCursor(let t):
                return "the dashboard needs a terminal that can move its cursor, and TERM=\(t) cannot; "
                    + "use a full terminal (e.g. TERM=xterm-256color), or: \(Self.elsewhere)"
            }
        }
    }

    public let depth: ColorDepth
    public let asciiOnly: Bool
    private let screen: OpaquePointer
    private let win: UnsafeMutablePointer<WINDOW>
    private var last: Grid?
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private var isShutDown = false

    private struct PairKey: Hashable { let fg: Int32, bg: Int32 }

    /// Starts curses on the process's terminal. `depth` overrides colour detection.
    /// `mouse`: report clicks and the wheel (off with `--no-mouse`: the terminal's own selection
    /// then works without Shift).
    public init(depth override: ColorDepth?, asciiOnly: Bool, mouse: Bool = true, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw StartError.notATerminal }
        let term = environment["TERM"] ?? ""
        // The modes before curses changes them: what a crash handler puts back (TerminalRescue).
        var before = termios()
        let hadModes = tcgetattr(1, &before) == 0
        guard let out = fdopen(dup(1), "w"), let inp = fdopen(dup(0), "r") else { throw StartError.notATerminal }
        guard !term.isEmpty, let scr = newterm(term, out, inp) else {
            fclose(out); fclose(inp)
            throw StartError.unknownTerminal(term)
        }
        // Without cursor addressing every frame would be drawn as a blank screen (TERM=dumb).
        guard pt_tigetstr("cup") != nil else {
            endwin()
            delscreen(scr)
            fclose(out); fclose(inp)
            throw StartError.cannotMoveCursor(term)
        }
        screen = scr
        set_term(scr)
        win = pt_stdscr()
        self.asciiOnly = asciiOnly
        set_escdelay(25)
        cbreak()
        noecho()
        nonl()
        intrflush(win, false)
        keypad(win, true)
        if mouse { pt_mouse_on() }
        curs_set(0)
        leaveok(win, true)
        TerminalRescue.arm(fd: 1, modes: hadModes ? before : nil)
        // COLORS is only known after start_color().
        let hasColors = has_colors()
        if hasColors && environment["NO_COLOR"] == nil {
            start_color()
            use_default_colors()
        }
        var detected = ColorDepth.detect(environment: environment, terminalColors: Int(pt_colors()), hasColors: hasColors)
        if let o = override { detected = (o == .none || detected != .none) ? o : .none }
        depth = detected
    }

    /// Keys come from the process's standard input.
    public var inputFD: Int32 { 0 }

    /// Columns and rows now.
    public var size: (width: Int, height: Int) { (Int(getmaxx(win)), Int(getmaxy(win))) }

    /// Writes the cells that changed since the last frame and updates the screen.
    public func present(_ grid: Grid) {
        let full = last.map { $0.width != grid.width || $0.height != grid.height } ?? true
        if full { werase(win) }
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cell = grid[x, y]
                if !full, let l = last, l[x, y] == cell { continue }
                if cell.continuation {
                    if asciiOnly { write("?", cell.style, x, y) }
                    continue
                }
                write(cell.text, cell.style, x, y)
            }
        }
        last = grid
        wnoutrefresh(win)
        doupdate()
    }

    /// Forgets what is on screen so the next frame is written whole (after a resize).
    public func invalidate() { last = nil }

    /// The terminal bell (BEL): tmux marks the window, terminals flash or beep.
    public func bell() { _ = beep() }

    /// What goes into one curses cell: at most four scalars (a character and its combining
    /// marks). `Grid.put` already shows control characters as text; a control character that
    /// reaches a cell some other way becomes U+FFFD (`?` in ASCII), never a byte the terminal obeys.
    /// In ASCII a block element (U+2580–U+259F: the bar tqdm and other tools draw, in a job's
    /// message or log) is `#`, as the dashboard's own ASCII bars are, not `?`.
    static func cellScalars(_ text: String, asciiOnly: Bool) -> [UInt32] {
        var out: [UInt32] = []
        for u in text.unicodeScalars.prefix(4) {
            let v = u.value
            if v < 0x20 || (v >= 0x7F && v < 0xA0) {
                out.append(asciiOnly ? UInt32(UInt8(ascii: "?")) : 0xFFFD)
            } else if asciiOnly && (0x2580...0x259F).contains(v) {
                out.append(UInt32(UInt8(ascii: "#")))
            } else {
                out.append(asciiOnly && v > 0x7E ? UInt32(UInt8(ascii: "?")) : v)
            }
        }
        if out.isEmpty { out.append(UInt32(UInt8(ascii: " "))) }
        return out
    }

    private func write(_ text: String, _ style: Style, _ x: Int, _ y: Int) {
        var chars = Self.cellScalars(text, asciiOnly: asciiOnly).map { wchar_t(bitPattern: $0) }
        chars.append(0)
        let attrs = attributes(style.attrs)
        let pair = pairFor(style)
        _ = chars.withUnsafeBufferPointer { pt_put_cell(win, Int32(y), Int32(x), $0.baseAddress, attrs, pair) }
    }

    private func attributes(_ a: Attr) -> attr_t {
        var r = pt_a_normal()
        if a.contains(.bold) { r |= pt_a_bold() }
        if a.contains(.dim) { r |= pt_a_dim() }
        if a.contains(.reverse) { r |= pt_a_reverse() }
        if a.contains(.underline) { r |= pt_a_underline() }
        if a.contains(.italic) { r |= pt_a_italic() }
        return r
    }

    private func pairFor(_ s: Style) -> Int32 {
        guard depth != .none else { return 0 }
        let key = PairKey(fg: ColorMapper.number(s.fg, depth: depth), bg: ColorMapper.number(s.bg, depth: depth))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let p = pairs[key] { return p }
        guard nextPair < pt_color_pairs() else { return 0 }
        let p = nextPair
        nextPair += 1
        init_extended_pair(p, key.fg, key.bg)
        pairs[key] = p
        return p
    }

    /// Reads one key if one is waiting (never blocks; wait with `poll` on stdin first).
    public func readKey() -> Key? {
        wtimeout(win, 0)
        var ch: wint_t = 0
        let rc = wget_wch(win, &ch)
        if rc == ERR { return nil }
        if rc == pt_key_code_yes() {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case pt_key_resize(): return .resize
            case pt_key_mouse():
                var x: Int32 = 0, y: Int32 = 0
                switch pt_read_mouse(&x, &y) {
                case 1: return .mouse(MouseEvent(kind: .click, x: Int(x), y: Int(y)))
                case 2: return .mouse(MouseEvent(kind: .doubleClick, x: Int(x), y: Int(y)))
                case 3: return .mouse(MouseEvent(kind: .wheelUp, x: Int(x), y: Int(y)))
                case 4: return .mouse(MouseEvent(kind: .wheelDown, x: Int(x), y: Int(y)))
                default: return nil
                }
            default: return nil
            }
        }
        switch ch {
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 9: return .tab
        default:
            guard let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(u))
        }
    }

    /// Gives the terminal back as it was. Safe to call more than once.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        TerminalRescue.disarm()
        curs_set(1)
        endwin()
        delscreen(screen)
    }

    deinit { shutdown() }
}
