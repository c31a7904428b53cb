#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that lets another thread wake the dashboard out of `poll`.
public final class WakePipe: Sendable {
    public let readFD: Int32
    private let writeFD: Int32

    public init() {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    /// Wakes the reader; a full pipe already means "wake", so errors are ignored.
    public func wake() {
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)
    }

    public func drain() {
        var buf = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buf, 64) > 0 {}
    }

    deinit {
        close(readFD)
        close(writeFD)
    }
}
