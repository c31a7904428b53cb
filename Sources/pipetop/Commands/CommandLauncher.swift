import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds and starts the command the way a shell would: a name without `/` is looked up in
/// PATH, and what cannot run is told in a shell's words (with 127 or 126) before any process
/// is made.
enum CommandLauncher {
    /// The file `name` names: itself when it holds a `/`, else the first executable regular
    /// file of that name in PATH.
    static func resolve(_ name: String, path: String?) throws(LaunchFailure) -> String {
        if name.isEmpty { throw LaunchFailure(message: "'': command not found", exitCode: 127) }
        if name.contains("/") {
            try check(name)
            return name
        }
        var denied: String?
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (dir.isEmpty ? "." : String(dir)) + "/" + name
            var st = stat()
            guard stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
            denied = denied ?? candidate
        }
        // As bash: a match that cannot be executed is "Permission denied", nothing is "not found".
        if let d = denied { throw LaunchFailure(message: "\(d): Permission denied", exitCode: 126) }
        throw LaunchFailure(message: "\(name): command not found", exitCode: 127)
    }

    private static func check(_ file: String) throws(LaunchFailure) {
        var st = stat()
        guard stat(file, &st) == 0 else {
            let code: Int32 = errno == ENOENT || errno == ENOTDIR ? 127 : 126
            throw LaunchFailure(message: "\(file): \(String(cString: strerror(errno)))", exitCode: code)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw LaunchFailure(message: "\(file): Is a directory", exitCode: 126) }
        if access(file, X_OK) != 0 { throw LaunchFailure(message: "\(file): Permission denied", exitCode: 126) }
    }

    /// Starts `argv` with default signal handling and an empty signal mask; `streams` maps
    /// the command's descriptors (1, 2) to ours, the rest are inherited.
    static func spawn(_ argv: [String], env: [String: String], streams: [Int32: Int32]) throws(LaunchFailure) -> pid_t {
        let file = try resolve(argv[0], path: env["PATH"])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, source) in streams.sorted(by: { $0.key < $1.key }) { posix_spawn_file_actions_adddup2(&actions, source, target) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGWINCH] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cargv = argv.map { strdup($0) } + [nil]
        let cenv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cargv + cenv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, file, &actions, &attr, cargv, cenv)
        // Found and executable, yet exec failed (a bad interpreter, not an executable format).
        guard rc == 0 else {
            let why = String(cString: strerror(rc))
            throw LaunchFailure(message: rc == ENOENT ? "\(file): bad interpreter: \(why)" : "\(file): \(why)", exitCode: 126)
        }
        return pid
    }
}
