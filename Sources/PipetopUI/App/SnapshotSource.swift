import PipetopCore

/// Where the dashboard gets its state: the engine in this process, or an engine reached
/// over its socket. Either way the dashboard only copies out snapshots.
public protocol SnapshotSource: AnyObject, Sendable {
    /// Readable when something new is there (the dashboard `poll`s it beside the keyboard).
    var wakeFD: Int32 { get }
    /// Empties the wake pipe after a wake-up.
    func drainWake()
    /// The newest snapshot, or nil before the first one arrived.
    func current() -> SourceSnapshot?
    /// Sends events to the engine (acknowledgements); never blocks the dashboard for long.
    func send(_ events: [Event])
}

public struct SourceSnapshot: Sendable {
    public var version: UInt64
    public var state: PipelineState
    /// The engine's clock when the snapshot was taken; the view adds the time since.
    public var engineNow: Double
    public var host: String
    public var socket: String
    public var link: DashboardModel.Link

    public init(version: UInt64, state: PipelineState, engineNow: Double, host: String, socket: String, link: DashboardModel.Link) {
        self.version = version; self.state = state; self.engineNow = engineNow; self.host = host; self.socket = socket; self.link = link
    }
}

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

#if canImport(Glibc)
import Glibc
#endif
