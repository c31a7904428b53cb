import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Spooled events an engine has taken: the spool file renamed to `claimed-PID-N.ndjson`
/// (rename is atomic, so of two engines only one gets a file), read once every writer that
/// had it open is done, and removed once its events are applied (and journaled).
public struct SpoolClaim: Sendable {
    public let path: String
    /// The protocol lines it held, in the order they were written.
    public let lines: [String]

    /// Deletes the file: its events are in the engine now.
    public func remove() { unlink(path) }
}

extension Spool {
    /// Whether anything waits for this socket's engine (one stat: cheap enough every second).
    public func hasEvents() -> Bool {
        var st = stat()
        return lstat(directory + "/" + Self.fileName, &st) == 0 && st.st_size > 0
    }

    /// Takes this socket's spooled events: the spool file, and files claimed by an engine that
    /// died before it had applied them. Empty when there is no spool. Throws when the spool's
    /// directories are not the user's own (nothing is read from them then).
    public func claim() throws(SpoolError) -> [SpoolClaim] {
        var st = stat()
        guard lstat(root, &st) == 0 else { return [] }
        try SpoolDirectory.prepare(root, create: false)
        guard lstat(directory, &st) == 0 else { return [] }
        try SpoolDirectory.prepare(directory, create: false)
        var taken: [String] = []
        let me = getpid()
        for name in SpoolDirectory.names(in: directory).sorted() {
            let from = directory + "/" + name
            if name.hasPrefix("claimed-") {
                // Another engine's claim: left alone while that engine lives.
                let parts = name.split(separator: "-")
                guard parts.count >= 3, let pid = Int32(parts[1]), pid != me, kill(pid, 0) != 0, errno == ESRCH else { continue }
            } else if name != Self.fileName {
                continue
            }
            let to = directory + "/claimed-\(me)-\(UInt64.random(in: 0...UInt64.max)).ndjson"
            if rename(from, to) == 0 { taken.append(to) }
        }
        // The outage is over: the next client that cannot deliver says so again.
        if !taken.isEmpty { unlink(directory + "/" + Self.saidMarker) }
        return taken.compactMap { path in
            Self.readClaimed(path).map { SpoolClaim(path: path, lines: $0) }
        }
    }

    /// Reads a claimed file once no writer holds it (a writer that opened it before the rename
    /// finishes under the lock, or sees the name moved and writes to a new file).
    static func readClaimed(_ path: String) -> [String]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == getuid(), (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data += buf[0..<n]
        }
        return data.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the `full` marker is there (one stat), without removing it.
    public func isMarkedFull() -> Bool {
        var st = stat()
        return lstat(root + "/" + Self.fullMarker, &st) == 0
    }

    /// Removes the `full` marker; true when it was there (events were dropped since the last
    /// drain).
    public func clearFullMarker() -> Bool {
        unlink(root + "/" + Self.fullMarker) == 0
    }
}
