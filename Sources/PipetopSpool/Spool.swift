import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Events that could not be delivered, kept on disk until an engine takes them: what
/// `pipetop emit`, `pipetop run` and the clients write when no engine answers, and what an
/// engine drains when it starts (and every second while it runs).
///
/// Place: `$XDG_STATE_HOME/pipetop/spool/` (else `~/.local/state/pipetop/spool/`), mode 0700,
/// one subdirectory per socket path (`key(for:)`, so events reach the engine they were meant
/// for), holding `spool.ndjson` (mode 0600): protocol lines, each with its `ts`. Writers append
/// under an exclusive `flock`, so any number of processes can write at once; an engine
/// claims the file by renaming it (`SpoolClaim`). All files of a user's spool together hold at
/// most `limit` bytes; past it new events are dropped, said once (the `full` marker).
public struct Spool: Sendable {
    /// 64 MiB per user: about 300,000 events of a typical size.
    public static let defaultLimit = 64 << 20
    /// Name of the file writers append to.
    public static let fileName = "spool.ndjson"
    /// Created by the first writer that had to drop an event; removed by the engine that drains.
    public static let fullMarker = "full"
    /// In a socket's directory: a client has said that events wait here (the next ones stay
    /// quiet until an engine takes them: a script of 20 emits prints one line, not 20).
    public static let saidMarker = "said"

    /// True for the first client to report this outage for this `reason` (it should say so);
    /// false while one already has. The marker holds the reason said, under a lock: of many
    /// writers at once one says it, and a new reason (another user's engine, after there was
    /// none) is said too.
    public func firstToSay(_ reason: String) -> Bool {
        let fd = open(directory + "/" + Self.saidMarker, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return true }
        defer { Glibc.close(fd) }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        let said = Array(reason.utf8.prefix(4096))
        var buf = [UInt8](repeating: 0, count: said.count + 1)
        let n = pread(fd, &buf, buf.count, 0)
        if n == said.count && Array(buf[0..<max(0, n)]) == said { return false }
        ftruncate(fd, 0)
        _ = said.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return true
    }

    /// The user's spool directory (`.../pipetop/spool`).
    public let root: String
    /// This socket's subdirectory.
    public let directory: String
    /// The socket the events were meant for.
    public let socket: String
    /// Most bytes all of the user's spool files may hold.
    public var limit: Int

    /// The spool for the engine at `socket`. `PIPETOP_SPOOL_LIMIT` (bytes) lowers the limit.
    public init(socket: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.socket = socket
        root = Self.root(environment: environment)
        directory = root + "/" + Self.key(for: socket)
        limit = environment["PIPETOP_SPOOL_LIMIT"].flatMap { Int($0) }.map { max(0, $0) } ?? Self.defaultLimit
    }

    /// `$XDG_STATE_HOME/pipetop/spool`, else `$HOME/.local/state/pipetop/spool` (HOME, else the
    /// user's home from the password database).
    public static func root(environment: [String: String]) -> String {
        if let s = environment["XDG_STATE_HOME"], s.hasPrefix("/") { return s + "/pipetop/spool" }
        var home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if home == nil, let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { home = String(cString: dir) }
        return (home ?? "/tmp") + "/.local/state/pipetop/spool"
    }

    /// The subdirectory's name for a socket path: 64-bit FNV-1a of its UTF-8 bytes, in hex
    /// (stable across runs and languages: the Python client computes the same).
    public static func key(for socket: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in socket.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// What became of lines given to `append`.
    public enum Outcome: Equatable, Sendable {
        case kept
        /// Over the limit: dropped. `first` is true for the writer that filled the spool (it
        /// says so; the others stay quiet until an engine has drained it).
        case dropped(first: Bool)
    }

    /// Appends whole lines (each ending with a newline) to this socket's spool file.
    public func append(_ text: String) throws(SpoolError) -> Outcome {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .kept }
        try SpoolDirectory.prepare(root, create: true)
        try SpoolDirectory.prepare(directory, create: true)
        if usedBytes() + bytes.count > limit {
            let fd = open(root + "/" + Self.fullMarker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { Glibc.close(fd) }
            return .dropped(first: fd >= 0)
        }
        let path = directory + "/" + Self.fileName
        // An engine may rename the file between our open and our lock: then the name points
        // to a new file (or none), and we open again.
        for _ in 0..<20 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw SpoolError("cannot open the spool file \(path): \(String(cString: strerror(errno)))") }
            defer { Glibc.close(fd) }
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            var mine = stat(), named = stat()
            guard fstat(fd, &mine) == 0 else { throw SpoolError("cannot read the spool file \(path): \(String(cString: strerror(errno)))") }
            guard lstat(path, &named) == 0, named.st_ino == mine.st_ino, named.st_dev == mine.st_dev else { continue }
            guard mine.st_uid == getuid(), (mine.st_mode & S_IFMT) == S_IFREG else {
                throw SpoolError("the spool file \(path) is not a regular file of this user's; remove it")
            }
            var off = 0
            while off < bytes.count {
                let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let why = String(cString: strerror(errno))
                    // A line cut short would join the next writer's: end it (the engine refuses it).
                    if off > 0 { _ = "\n".withCString { write(fd, $0, 1) } }
                    throw SpoolError("cannot write to the spool file \(path): \(why)")
                }
                off += n
            }
            return .kept
        }
        throw SpoolError("the spool file \(path) kept changing under this writer")
    }

    /// Bytes held by every spool file of this user (all sockets).
    public func usedBytes() -> Int {
        var total = 0
        for sub in SpoolDirectory.names(in: root) {
            let dir = root + "/" + sub
            for name in SpoolDirectory.names(in: dir) {
                var st = stat()
                if lstat(dir + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { total += Int(st.st_size) }
            }
        }
        return total
    }
}
