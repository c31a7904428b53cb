import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One engine owns a database. Each numbers its journal rows itself, so a second writer (a
/// daemon on another socket sharing the default database, `pipetop replay --db` on the live
/// file, a daemon refused for its socket that still wrote "ended while no engine was running")
/// made every later commit of the first fail for good. The owner holds an exclusive flock on
/// `DB.lock` for its whole life, taken before anything is written; the lock file says who it
/// is, so anyone refused can be told. The kernel lets the lock go when the process ends, even
/// on kill -9: a stale lock file is never a problem.
public final class DatabaseLock: @unchecked Sendable {
    /// Who holds a database: read from its lock file.
    public struct Owner: Sendable, Equatable {
        public var pid: Int32?
        public var socket: String?
        public var since: String?

        public var sentence: String {
            var who = "a pipetop engine"
            if let pid { who += " (pid \(pid)" + (socket.map { ", socket \($0)" } ?? "") + ")" }
            return who + (since.map { " since \($0)" } ?? "")
        }
    }

    public struct Busy: Error, CustomStringConvertible {
        public let database: String
        public let owner: Owner
        public var description: String {
            "the database \(database) belongs to \(owner.sentence); one engine owns a database: " +
                "stop that one, or give this one another with --db (or PIPETOP_DB)"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let database: String
    private var fd: Int32

    /// Locks held by this process, kept for its life (an engine runs until the process ends).
    private static let held = NSLock()
    nonisolated(unsafe) private static var locks: [DatabaseLock] = []

    /// The lock file beside `database`.
    public static func path(for database: String) -> String { database + ".lock" }

    /// Takes `database` for this process (until `release` or exit), or says who has it.
    @discardableResult
    public static func acquire(_ database: String, socket: String?) throws -> DatabaseLock {
        let lock = try DatabaseLock(database: database, socket: socket)
        held.withLock { locks.append(lock) }
        return lock
    }

    /// Who holds `database` now, if anyone (nil: free, or no lock file).
    public static func owner(of database: String) -> Owner? {
        let fd = open(path(for: database), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // A shared lock is granted only when no engine holds the exclusive one.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return nil }
        return readOwner(fd)
    }

    private init(database: String, socket: String?) throws {
        self.database = database
        let file = Self.path(for: database)
        // The database's directory, private as the store makes it, may not exist yet.
        let dir = (database as NSString).deletingLastPathComponent
        if !dir.isEmpty { try Store.makeDirectories(dir, for: database) }
        fd = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Failure(description: "cannot lock the database \(database): \(file): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let owner = errno == EWOULDBLOCK ? Self.readOwner(fd) : nil
            let why = String(cString: strerror(errno))
            close(fd)
            fd = -1
            if let owner { throw Busy(database: database, owner: owner) }
            throw Failure(description: "cannot lock the database \(database): \(why)")
        }
        var note = "pid=\(getpid())\n"
        if let socket { note += "socket=\(socket)\n" }
        note += "since=\(ISO8601DateFormatter().string(from: Date()))\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    private static func readOwner(_ fd: Int32) -> Owner {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buf, buf.count, 0)
        var owner = Owner()
        for line in String(decoding: buf[0..<max(0, n)], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "pid": owner.pid = Int32(parts[1])
            case "socket": owner.socket = parts[1]
            case "since": owner.since = parts[1]
            default: break
            }
        }
        return owner
    }

    /// Lets the database go (tests; an engine keeps it until its process ends).
    public func release() {
        Self.held.withLock { Self.locks.removeAll { $0 === self } }
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}
