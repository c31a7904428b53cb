import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the command's ptys the size of the terminal: on SIGWINCH the new size is copied to
/// them and the command is signalled once more (the terminal's own SIGWINCH may reach it
/// before its pty has the new size).
final class WindowSizeFollower: @unchecked Sendable {
    private let lock = NSLock()
    private var child: pid_t?
    private let ptys: [CapturedStream]

    init(_ captures: [CapturedStream]) {
        ptys = captures.filter(\.isTerminal)
        guard !ptys.isEmpty else { return }
        SignalWatch.on([SIGWINCH]) { [self] _, _ in
            for p in ptys { p.followWindowSize() }
            if let pid = lock.withLock({ child }) { kill(pid, SIGWINCH) }
        }
    }

    func follow(_ pid: pid_t) { lock.withLock { child = pid } }
}
