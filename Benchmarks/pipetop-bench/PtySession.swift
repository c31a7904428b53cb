import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock (what every terminal figure is timed with).
func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// A program on a pseudo-terminal of a fixed size that this process owns: what the program
/// writes to its terminal arrives here, timestamped as it is read, and nowhere else.
final class PtySession: @unchecked Sendable {
    let pid: pid_t
    let cols: Int, rows: Int
    private let master: Int32
    private let lock = NSLock()
    private var sink: (Double, UnsafeRawBufferPointer) -> Void
    private var bytes = 0
    private let reader = DispatchSemaphore(value: 0)

    /// Output bytes read so far.
    var bytesRead: Int { lock.withLock { bytes } }

    /// Starts `command` (a path and its arguments) as a session leader whose controlling
    /// terminal is a new pty of `cols` x `rows`. `sink` gets every chunk the program writes,
    /// on the reader thread, with the time it was read; it can be changed later.
    init(_ command: [String], cols: Int, rows: Int, environment: [String: String],
         sink: @escaping (Double, UnsafeRawBufferPointer) -> Void = { _, _ in }) throws {
        self.cols = cols
        self.rows = rows
        self.sink = sink
        // posix_openpt and friends are not imported without _GNU_SOURCE: the Linux ioctls instead
        // (TIOCSPTLCK and TIOCGPTN, macros Swift cannot import).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw BenchError("no pty: \(String(cString: strerror(errno)))")
        }
        let name = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(cols), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        // setsid, then open the pty's other side: it becomes the controlling terminal.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, 0x80)  // POSIX_SPAWN_SETSID (glibc), not imported either
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, command[0], &actions, &attr, argv, envp)
        guard rc == 0 else { close(master); throw BenchError("cannot start \(command[0]): \(String(cString: strerror(rc)))") }
        pid = child
        let t = Thread { [self] in readLoop() }
        t.name = "pty-reader"
        t.start()
    }

    func setSink(_ f: @escaping (Double, UnsafeRawBufferPointer) -> Void) { lock.withLock { sink = f } }

    /// Types `text` into the program's terminal.
    func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    private func readLoop() {
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(master, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }  // EIO: the program and every holder of the tty are gone
            let t = monotonic()
            lock.withLock {
                bytes += n
                buf.withUnsafeBytes { sink(t, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
        reader.signal()
    }

    /// Ends the program (SIGTERM, then SIGKILL after a second) and waits for it.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(10_000)
        }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        _ = reader.wait(timeout: .now() + 2)
        close(master)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The full path of `name` on PATH, or nil (htop is optional: CI does not have it).
func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
}

/// The `pipetop` binary built beside this benchmark.
func pipetopBinary() throws -> String {
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let path = me.deletingLastPathComponent().appendingPathComponent("pipetop").path
    guard access(path, X_OK) == 0 else { throw BenchError("\(path) not found: run `swift build -c release` first") }
    return path
}
