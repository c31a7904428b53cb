import Foundation
import PipetopSpool
#if canImport(Glibc)
import Glibc
#endif

/// The id `pipetop run` gives its job when `--id` is not given: the job's name, so that each
/// run of a command is the next run of one job (history, estimates and silences follow it, as
/// with the clients), unless another `pipetop run` of that name is still going for the same
/// engine: then NAME-PID, so two runs side by side never report into one job.
///
/// "Still going" is an flock on a file per name in the user's state directory, held for the
/// life of this process and dropped by the kernel when it ends, kill -9 included. Nothing here
/// waits or fails: when the lock cannot be used the run takes NAME-PID.
struct RunIdentity {
    let id: String
    /// Held open (and locked) until the process exits; never inherited by the command.
    private let lockFD: Int32?

    static func claim(name: String, socket: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> RunIdentity {
        let sideBySide = "\(name)-\(getpid())"
        let dir = (Spool.root(environment: environment) as NSString).deletingLastPathComponent + "/runs"
        guard (try? SpoolDirectory.prepare(dir, create: true)) != nil else { return RunIdentity(id: sideBySide, lockFD: nil) }
        let path = "\(dir)/\(Spool.key(for: socket))-\(Spool.key(for: name)).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return RunIdentity(id: sideBySide, lockFD: nil) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return RunIdentity(id: sideBySide, lockFD: nil)
        }
        return RunIdentity(id: name, lockFD: fd)
    }

}
