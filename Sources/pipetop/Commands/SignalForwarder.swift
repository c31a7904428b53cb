import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on to the command. Handlers are installed
/// before the command starts, so no signal in between kills pipetop and orphans it. A signal
/// the terminal generated (Ctrl-C, Ctrl-\, hangup) already reached the command (same process
/// group), so only those sent to pipetop by another process (kill) are passed on; pipetop
/// itself waits for the command to end.
final class SignalForwarder: @unchecked Sendable {
    private let lock = NSLock()
    private var child: pid_t?
    private var early: [Int32] = []
    /// The last SIGINT or SIGTERM pipetop got (Ctrl-C, kill, the dashboard's `K`): the person
    /// asked the command to stop, so its exit 130/143 is a cancel, not a failure.
    private var asked: Int32?

    /// The SIGINT or SIGTERM sent to pipetop, if any (from the terminal or passed on).
    var userStop: Int32? { lock.withLock { asked } }

    static func install() -> SignalForwarder {
        let f = SignalForwarder()
        SignalWatch.on([SIGINT, SIGTERM, SIGHUP, SIGQUIT]) { sig, fromTerminal in
            if sig == SIGINT || sig == SIGTERM { f.lock.withLock { f.asked = sig } }
            if fromTerminal { return }  // the command got it from the terminal already
            let target = f.lock.withLock { () -> pid_t? in
                if f.child == nil { f.early.append(sig) }
                return f.child
            }
            if let pid = target { kill(pid, sig) }
        }
        return f
    }

    /// From now on signals go to `pid`; those that came before it started go now.
    func forward(to pid: pid_t) {
        let pending = lock.withLock { () -> [Int32] in
            child = pid
            defer { early.removeAll() }
            return early
        }
        for sig in pending { kill(pid, sig) }
    }
}
