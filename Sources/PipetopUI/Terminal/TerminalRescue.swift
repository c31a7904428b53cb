import CNCurses
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gives the terminal back from a signal handler, when the process is dying and curses cannot
/// be called (`endwin` is not async-signal-safe: it allocates and may find curses half-way
/// through a frame). Everything is prepared while curses starts: the terminal's modes as they
/// were before it (restored with `tcsetattr`) and the bytes that leave the alternate screen,
/// show the cursor, turn off keypad transmit mode and mouse reporting, and reset attributes
/// (sent with one `write`). Both calls are async-signal-safe.
public enum TerminalRescue {
    nonisolated(unsafe) private static var armed = false
    nonisolated(unsafe) private static var fd: Int32 = -1
    nonisolated(unsafe) private static var modes = termios()
    nonisolated(unsafe) private static var hasModes = false
    nonisolated(unsafe) private static var bytes: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) private static var count = 0

    /// Records what to restore on `fd`: `modes` (the terminal's settings before curses) and the
    /// current terminal's capabilities. Call after curses started, from the main thread.
    static func arm(fd: Int32, modes saved: termios?) {
        var seq = [UInt8]()
        func cap(_ name: String) {
            if let s = pt_tigetstr(name) { seq += Array(UnsafeRawBufferPointer(start: s, count: strlen(s))) }
        }
        cap("sgr0")
        // Mouse reporting off (pipetop does not turn it on, but a crash must not leave it on).
        if let term = getenv("TERM").map({ String(cString: $0) }), term.hasPrefix("xterm") || term.hasPrefix("screen") || term.hasPrefix("tmux") {
            seq += Array("\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l".utf8)
        }
        cap("rmkx")
        cap("cnorm")
        cap("rmcup")
        seq += Array("\r\n".utf8)
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: seq.count)
        buf.initialize(from: seq, count: seq.count)
        let old = bytes
        count = 0
        bytes = buf
        count = seq.count
        old?.deallocate()
        if let saved { modes = saved; hasModes = true }
        self.fd = fd
        armed = true
    }

    /// Nothing to restore any more (curses gave the terminal back itself).
    static func disarm() { armed = false }

    /// Restores the terminal now. Async-signal-safe: only `write` and `tcsetattr`, no locks,
    /// no allocation. Does nothing unless the dashboard holds the terminal.
    public static func restore() {
        guard armed else { return }
        armed = false
        if let b = bytes, count > 0 {
            var off = 0
            while off < count {
                let n = write(fd, b + off, count - off)
                if n <= 0 { break }
                off += n
            }
        }
        if hasModes { _ = tcsetattr(fd, TCSANOW, &modes) }
    }
}
