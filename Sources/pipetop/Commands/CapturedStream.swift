import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where one of the command's output streams goes so that pipetop sees it on its way out:
/// a pseudo-terminal when the stream's destination is a terminal (the command still sees a
/// terminal: colours, line buffering and window size as without pipetop), a pipe otherwise
/// (a file, a pipe, `--log`), or a pty whatever the destination with `--pty`. pipetop reads
/// `readFD` and passes every byte on unchanged.
final class CapturedStream: @unchecked Sendable {
    /// The command's descriptor (1 or 2).
    let stream: Int32
    /// Where the bytes go: the terminal, the --log file, or whatever our stream is.
    let destination: Int32
    /// pipetop's end: the pty's master or the pipe's read end.
    let readFD: Int32
    /// The command's end, dup'ed onto `stream` in the command (closed here once it runs).
    private(set) var childFD: Int32
    /// The destination is a terminal (its size is followed); not so for a `--pty` into a file.
    let isTerminal: Bool

    private init(stream: Int32, destination: Int32, readFD: Int32, childFD: Int32, isTerminal: Bool) {
        self.stream = stream; self.destination = destination; self.readFD = readFD; self.childFD = childFD; self.isTerminal = isTerminal
    }

    /// A pty when `destination` is a terminal (and one can be made), else a pipe; with
    /// `pty` (`--pty`) a pty whatever the destination, of the size `size` when it is no
    /// terminal.
    static func make(stream: Int32, destination: Int32, pty: Bool = false, size: winsize = defaultSize()) -> CapturedStream {
        let tty = isatty(destination) == 1
        if tty || pty, let (master, slave) = openPTY(like: tty ? destination : nil, size: size) {
            return CapturedStream(stream: stream, destination: destination, readFD: master, childFD: slave, isTerminal: tty)
        }
        var fds: [Int32] = [-1, -1]
        // Close-on-exec: the command must hold only its end, or it would never see SIGPIPE.
        makePipe(&fds, nonBlockingWrite: false)
        return CapturedStream(stream: stream, destination: destination, readFD: fds[0], childFD: fds[1], isTerminal: false)
    }

    /// Once the command runs: only it holds its end, so its exit is our end of file.
    func commandStarted() {
        if childFD >= 0 { close(childFD) }
        childFD = -1
    }

    /// Gives the pty the terminal's size now (after a SIGWINCH).
    func followWindowSize() {
        guard isTerminal else { return }
        var ws = winsize()
        if ioctl(destination, UInt(TIOCGWINSZ), &ws) == 0 { _ = ioctl(readFD, UInt(TIOCSWINSZ), &ws) }
    }

    /// The size of a pty with no terminal behind it: $COLUMNS x $LINES when they are numbers,
    /// else 80x24.
    static func defaultSize(_ env: [String: String] = ProcessInfo.processInfo.environment) -> winsize {
        func n(_ k: String, _ d: UInt16) -> UInt16 { env[k].flatMap { UInt16($0) }.flatMap { $0 > 0 ? $0 : nil } ?? d }
        return winsize(ws_row: n("LINES", 24), ws_col: n("COLUMNS", 80), ws_xpixel: 0, ws_ypixel: 0)
    }

    /// A pty whose settings and size are the terminal's (or a new pty's and `size`, with no
    /// terminal), except that output is not processed (OPOST off: no `\n` to `\r\n`, no tab
    /// expansion): a terminal does that once when the bytes reach it, and a file or a pipe gets
    /// exactly the bytes the command wrote. Not the command's controlling terminal: job
    /// control and Ctrl-C stay with the real one.
    /// `_IOW('T', 0x31, int)` and `_IOR('T', 0x30, unsigned int)`: macros Swift does not import.
    private static let TIOCSPTLCK: UInt = 0x4004_5431
    private static let TIOCGPTN: UInt = 0x8004_5430

    private static func openPTY(like tty: Int32?, size: winsize) -> (Int32, Int32)? {
        // posix_openpt and friends are not visible from Swift here: what they do on Linux.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { return nil }
        var unlock: Int32 = 0, number: UInt32 = 0
        guard ioctl(master, Self.TIOCSPTLCK, &unlock) == 0, ioctl(master, Self.TIOCGPTN, &number) == 0 else { close(master); return nil }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { close(master); return nil }
        var t = termios()
        if tcgetattr(tty ?? slave, &t) == 0 {
            t.c_oflag &= ~tcflag_t(OPOST)
            _ = tcsetattr(slave, TCSANOW, &t)
        }
        var ws = size
        if let tty, ioctl(tty, UInt(TIOCGWINSZ), &ws) != 0 { ws = size }
        _ = ioctl(slave, UInt(TIOCSWINSZ), &ws)
        return (master, slave)
    }
}
