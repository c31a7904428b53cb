import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// The real tools the `pipetop run` tests drive, found where `.ci/run` installs them; a test
/// that finds none fails and says how to get it.
enum RunCommandTools {
    /// A Debian tool in PATH (`parallel`, `pv`, `rsync`, `make`, `dd`).
    static func debian(_ name: String, package: String? = nil) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw ClientError("\(name) is not installed for the tests: run .ci/run, or `apt-get install -y --no-install-recommends \(package ?? name)`")
    }

    static let defaultPython = "/tmp/pipetop-ci-venv/bin/python"

    /// A Python with tqdm, rich, enlighten and alive-progress: $PIPETOP_BARS_PYTHON (which
    /// .ci/run exports) or the CI's virtual environment.
    static func barsPython() throws -> String {
        let env = ProcessInfo.processInfo.environment["PIPETOP_BARS_PYTHON"]
        for path in [env, defaultPython].compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: path) {
            let check = try runProcess(path, ["-c", "import tqdm, rich, enlighten, alive_progress"])
            if check.status == 0 { return path }
        }
        throw ClientError("""
            tqdm, rich, enlighten and alive-progress are not installed for the tests: run .ci/run, or \
            `python3 -m venv /tmp/pipetop-ci-venv && /tmp/pipetop-ci-venv/bin/pip install tqdm rich enlighten alive-progress` \
            (or set PIPETOP_BARS_PYTHON to a python that has them)
            """)
    }

    /// `pipetop run` of `command` as job `id` into the daemon `d`, its output to pipes; the
    /// job as the engine has it once it has ended.
    @discardableResult
    static func run(_ d: Daemon, id: String, _ options: [String] = [], _ command: [String], cwd: String? = nil,
                    env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String, job: PipetopCore.Job?) {
        let args = ["run", "--socket", d.sock, "--id", id] + options + ["--"] + command
        let r = try cwd.map { dir in try runProcess("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", dir, pipetopBinary] + args, env: env) }
            ?? runPipetop(args, env: env)
        let s = try engineState(d.sock) { $0[job: id]?.state.isTerminal == true }
        return (r.status, r.out, r.err, s?[job: id])
    }
}
