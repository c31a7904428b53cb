import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the engine's socket lives, and whether an engine is already there.
public enum SocketPath {
    /// `--socket`, else `$PIPETOP_SOCKET`, else `$XDG_RUNTIME_DIR/pipetop/pipetop.sock`,
    /// else `/tmp/pipetop-UID/pipetop.sock`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = explicit, !p.isEmpty { return p }
        if let p = environment["PIPETOP_SOCKET"], !p.isEmpty { return p }
        if let dir = environment["XDG_RUNTIME_DIR"], !dir.isEmpty { return dir + "/pipetop/pipetop.sock" }
        return "/tmp/pipetop-\(getuid())/pipetop.sock"
    }

    public enum Status: Equatable, Sendable {
        /// Nothing at the path.
        case absent
        /// A socket file nobody listens on (an engine died): safe to replace.
        case stale
        /// An engine answers there.
        case live
        /// Something else is in the way (a regular file, no permission...).
        case blocked(String)
    }

    /// Tells a live engine from a stale socket file by connecting to it.
    public static func probe(_ path: String) -> Status {
        var st = stat()
        if lstat(path, &st) != 0 { return errno == ENOENT ? .absent : .blocked(String(cString: strerror(errno))) }
        if (st.st_mode & S_IFMT) != S_IFSOCK { return .blocked("\(path) exists and is not a socket") }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .blocked(String(cString: strerror(errno))) }
        defer { close(fd) }
        guard var addr = sockaddr(forUnixPath: path) else { return .blocked("socket path too long: \(path)") }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc == 0 { return .live }
        switch errno {
        case ECONNREFUSED, ENOENT: return .stale
        case EACCES, EPERM: return .blocked("permission denied on \(path)")
        default: return .stale
        }
    }

    /// Creates the socket's directory when missing: mode 0700, or 0750 with group `group` when
    /// a group is let in. The default directories (/tmp/pipetop-UID, $XDG_RUNTIME_DIR/pipetop)
    /// are the engine's own: one another user owns is refused, and their mode is set each start
    /// (a directory others can write to would let a socket be swapped). A directory the user
    /// chose (`--socket /some/dir/x.sock`) is left as it is.
    public static func prepareDirectory(for path: String, group: gid_t? = nil,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let dir = (path as NSString).deletingLastPathComponent
        guard !dir.isEmpty else { return }
        let mode: mode_t = group == nil ? 0o700 : 0o750
        func own() {
            chmod(dir, mode)
            if let group { chown(dir, uid_t.max, group) }
        }
        var st = stat()
        let isDefaultDir = isDefault(dir, environment: environment)
        // A default directory is looked at itself, never through a link: another user can put a
        // link at /tmp/pipetop-UID to one of ours, and chmod would then follow it.
        if isDefaultDir, lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            throw SocketPathError("\(dir) is a symbolic link, not the engine's own directory; remove it (or set XDG_RUNTIME_DIR, or give --socket)")
        }
        if stat(dir, &st) != 0 {
            guard errno == ENOENT else { throw SocketPathError("cannot use \(dir): \(String(cString: strerror(errno)))") }
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
            } catch {
                throw SocketPathError("cannot make the socket's directory \(dir): \(ErrorText.sentence(error))")
            }
            own()
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw SocketPathError("\(dir) is not a directory") }
        if isDefaultDir {
            if st.st_uid != getuid() { throw SocketPathError("\(dir) belongs to another user; set PIPETOP_SOCKET or --socket") }
            if st.st_mode & 0o777 != mode || (group != nil && st.st_gid != group!) { own() }
        }
    }

    /// One of the directories `resolve` picks by default.
    static func isDefault(_ dir: String, environment: [String: String]) -> Bool {
        if dir.hasPrefix("/tmp/pipetop-") { return true }
        if let run = environment["XDG_RUNTIME_DIR"], !run.isEmpty, dir == run + "/pipetop" { return true }
        return false
    }
}

public struct SocketPathError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

extension sockaddr_un {
    /// nil when the path does not fit in `sun_path`.
    init?(unixPath path: String) {
        self.init()
        sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: sun_path)
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
    }
}

func sockaddr(forUnixPath path: String) -> sockaddr_un? { sockaddr_un(unixPath: path) }
