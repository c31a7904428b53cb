import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The running `pipetop demo-worker` process: its pid, for the engine to sample, and the pipe
/// whose closing ends it.
struct DemoWorker {
    let pid: pid_t
    private let pipeFD: Int32

    /// Starts the worker from this very binary; nil when it cannot start (the demo goes on
    /// without resource timelines).
    static func start() -> DemoWorker? {
        guard let path = OwnExecutable.path else { return nil }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        // Neither end leaks into other children (the worker gets the read end as its stdin).
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let words: [String] = ["pipetop", "demo-worker"]
        let argv = words.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(fds[0])
        guard rc == 0 else { close(fds[1]); return nil }
        return DemoWorker(pid: pid, pipeFD: fds[1])
    }

    /// Ends the worker (it sees its input close) and reaps it.
    func stop() {
        close(pipeFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
