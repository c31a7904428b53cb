import Foundation

/// What `pipetop emit` costs a shell loop: N emits, one process each, against a real daemon
/// that journals to SQLite, beside N runs of `pipetop --version` (the process start-up floor)
/// in the same run, interleaved in rounds so that load on the machine hits both alike. A
/// refused event is checked to still fail (the speed does not come from not asking).
enum EmitBench {
    static func main(quick: Bool) throws -> [Figure] {
        let n = quick ? 100 : 1000
        let rounds = 10
        let binary = try pipetopBinary()
        let dir = "/tmp/pt-emit-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // As a user's shell has it: the default socket under XDG_RUNTIME_DIR (so the config
        // file is looked for), a private home, no config.
        let env = ["HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_RUNTIME_DIR": dir, "XDG_STATE_HOME": dir + "/state",
                   "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let socket = dir + "/pipetop/pipetop.sock"
        let daemon = try spawn(binary, ["daemon", "--db", dir + "/bench.db", "--sample-interval", "0"], env: env, wait: false)
        defer { kill(daemon, SIGTERM); var s: Int32 = 0; waitpid(daemon, &s, 0) }
        for _ in 0..<400 where access(socket, F_OK) != 0 { usleep(25_000) }
        guard access(socket, F_OK) == 0 else { throw BenchError("the daemon did not start on \(socket)") }
        _ = try spawn(binary, ["emit", "job.start", "--job", "bench-emit", "name=bench-emit", #"phases=["loop"]"#], env: env)
        _ = try spawn(binary, ["emit", "phase.start", "--job", "bench-emit", "--phase", "loop", "total=\(n)"], env: env)

        var emitTime = 0.0, versionTime = 0.0, done = 0
        for _ in 0..<rounds {
            let t0 = now()
            for _ in 0..<(n / rounds) {
                done += 1
                let status = try spawn(binary, ["emit", "progress", "--job", "bench-emit", "--phase", "loop", "done=\(done)"], env: env)
                guard status == 0 else { throw BenchError("an emit failed (status \(status))") }
            }
            emitTime += now() - t0
            let t1 = now()
            for _ in 0..<(n / rounds) { _ = try spawn(binary, ["--version"], env: env) }
            versionTime += now() - t1
        }
        let refused = try spawn(binary, ["emit", "progress", "--job", "bench-emit", "--phase", "loop", "done=oops"], env: env, quiet: true)
        let ratio = emitTime / versionTime
        print("pipetop emit: \(n) emits (one process each) against a journaling daemon, beside \(n) `pipetop --version`")
        print(String(format: "emit       %8.1f ms each   %7.2f s total", emitTime / Double(n) * 1000, emitTime))
        print(String(format: "--version  %8.1f ms each   %7.2f s total", versionTime / Double(n) * 1000, versionTime))
        print(String(format: "ratio      %8.2fx (target: at most 1.5x)   a bad field still fails: %@", ratio, refused != 0 ? "yes" : "NO"))
        return [Figure(name: "\(fmt(Double(n))) x pipetop emit (journaling daemon)", ours: "\(fmt(emitTime, 2)) s",
                       baseline: "\(fmt(versionTime, 2)) s for \(fmt(Double(n))) x --version", ratio: String(format: "%.2fx", ratio),
                       target: "<= 1.5x", met: ratio <= 1.5 && refused != 0)]
    }

    /// Runs `binary args` with `env` only; its exit status (0 when `wait` is false: the pid).
    @discardableResult
    static func spawn(_ binary: String, _ args: [String], env: [String: String], wait: Bool = true, quiet: Bool = false) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if quiet || !wait { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        let argv = ([binary] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, binary, &actions, nil, argv, envp)
        guard rc == 0 else { throw BenchError("cannot run \(binary): \(String(cString: strerror(rc)))") }
        guard wait else { return pid }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
