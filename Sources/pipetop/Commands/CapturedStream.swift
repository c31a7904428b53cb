import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where one of the command's output streams goes so that pipetop sees it on its way out:
/// a pseudo-terminal when the stream's destination is a terminal (the command still sees a
/// terminal: colours, line buffering and window size as without pipetop), a pipe otherwise
/// (a file, a pipe, `--log`). pipetop reads `readFD` and passes every byte on unchanged.
final class CapturedStream: @unchecked Sendable {
    /// The command's descriptor (1 or 2).
    let stream: Int32
    /// Where the bytes go: the terminal, the --log file, or whatever our stream is.
    let destination: Int32
    /// pipetop's end: the pty's master or the pipe's read end.
    let readFD: Int32
    /// The command's end, dup'ed onto `stream` in the command (closed here once it runs).
    private(set) var childFD: Int32
    let isTerminal: Bool

    private init(stream: Int32, destination: Int32, readFD: Int32, childFD: Int32, isTerminal: Bool) {
        self.stream = stream; self.destination = destination; self.readFD = readFD; self.childFD = childFD; self.isTerminal = isTerminal
    }

    /// A pty when `destination` is a terminal (and one can be made), else a pipe.
    static func make(stream: Int32, destination: Int32) -> CapturedStream {
        if isatty(destination) == 1, let (master, slave) = openPTY(like: destination) {
            return CapturedStream(stream: stream, destination: destination, readFD: master, childFD: slave, isTerminal: true)
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

    /// A pty whose settings and size are the terminal's, except that output is not processed
    /// (no `\n` to `\r\n`): the terminal does that once when the bytes reach it, so they pass
    /// through unchanged. Not the command's controlling terminal: job control and Ctrl-C stay
    /// with the real one.
    /// `_IOW('T', 0x31, int)` and `_IOR('T', 0x30, unsigned int)`: macros Swift does not import.
    private static let TIOCSPTLCK: UInt = 0x4004_5431
    private static let TIOCGPTN: UInt = 0x8004_5430

    private static func openPTY(like tty: Int32) -> (Int32, Int32)? {
        // posix_openpt and friends are not visible from Swift here: what they do on Linux.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { return nil }
        var unlock: Int32 = 0, number: UInt32 = 0
        guard ioctl(master, Self.TIOCSPTLCK, &unlock) == 0, ioctl(master, Self.TIOCGPTN, &number) == 0 else { close(master); return nil }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else { close(master); return nil }
        var t = termios()
        if tcgetattr(tty, &t) == 0 {
            t.c_oflag &= ~tcflag_t(OPOST)
            _ = tcsetattr(slave, TCSANOW, &t)
        }
        var ws = winsize()
        if ioctl(tty, UInt(TIOCGWINSZ), &ws) == 0 { _ = ioctl(slave, UInt(TIOCSWINSZ), &ws) }
        return (master, slave)
    }
}
