import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whom a client may talk to. Without XDG_RUNTIME_DIR (cron, su, containers, CI) the default
/// socket is `/tmp/pipetop-UID/pipetop.sock`, and another local user can make that directory
/// first and listen there: checkpoints, command lines and job names would go to them, and
/// `pipetop resume` would print what they chose. So before anything is sent, the socket and
/// its directory must be this user's (or root's), and so must the process that listens
/// (SO_PEERCRED on our side). A team engine (`pipetop daemon --allow-group`) is another user's:
/// it is trusted only at a path given on purpose (--socket, PIPETOP_SOCKET, the config), when
/// its socket is shared with a group this process is in.
public enum SocketTrust {
    /// The default socket paths of this user, where nothing but our own engine is trusted.
    public static func isDefaultPath(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        var defaults = ["/tmp/pipetop-\(getuid())/pipetop.sock"]
        if let run = environment["XDG_RUNTIME_DIR"], !run.isEmpty { defaults.append(run + "/pipetop/pipetop.sock") }
        return defaults.contains(path)
    }

    /// Checks the socket file and its directory before connecting. Returns the uid the
    /// listening process may have (ours, root's, or a team engine owner's); nil when there is
    /// no socket file (connecting will say there is no engine).
    static func check(path: String) throws(ClientError) -> uid_t? {
        let me = getuid()
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            throw ClientError("\(path) is a symbolic link; pipetop does not follow one to an engine (give the real socket's path)", refused: true)
        }
        let owner = st.st_uid
        let dir = (path as NSString).deletingLastPathComponent
        var dst = stat()
        let dirOwner: uid_t? = lstat(dir.isEmpty ? "." : dir, &dst) == 0 ? dst.st_uid : nil
        if owner == me || owner == 0 {
            // Our socket in a directory another user owns could be swapped under us.
            if let d = dirOwner, d != me, d != 0, !isSticky(dst) {
                throw ClientError("the directory \(dir) belongs to \(name(of: d)), not to you; pipetop sends nothing through it", refused: true)
            }
            return owner
        }
        // Another user's socket: only a team engine, at a path given on purpose.
        let shared = (st.st_mode & 0o060) == 0o060 && inMyGroups(st.st_gid)
        if shared && !isDefaultPath(path) && (dirOwner == owner || dirOwner == 0 || dirOwner == me) {
            return owner
        }
        throw ClientError("the socket \(path) belongs to \(name(of: owner)), not to you; pipetop sends nothing to another user's engine"
                          + (isDefaultPath(path) ? " (someone made your default socket's place first: remove \(dir), or set XDG_RUNTIME_DIR)" : ""),
                          refused: true)
    }

    /// After connecting: the process that listens must be the one the file said (SO_PEERCRED).
    static func checkPeer(fd: Int32, path: String, allowed: uid_t) throws(ClientError) {
        var cred = ucredLinux()
        var len = socklen_t(MemoryLayout<ucredLinux>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else { return }
        let peer = cred.uid
        guard peer != getuid(), peer != 0, peer != allowed else { return }
        throw ClientError("the engine listening on \(path) runs as \(name(of: peer)), not as you; pipetop sends nothing to it", refused: true)
    }

    private static func isSticky(_ st: stat) -> Bool { st.st_mode & S_ISVTX != 0 && st.st_uid == 0 }

    private static func inMyGroups(_ gid: gid_t) -> Bool {
        if getegid() == gid { return true }
        let n = getgroups(0, nil)
        guard n > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(n))
        let got = getgroups(n, &groups)
        return groups.prefix(Int(max(0, got))).contains(gid)
    }

    static func name(of uid: uid_t) -> String {
        if let pw = getpwuid(uid), let n = pw.pointee.pw_name { return "uid \(uid) (\(String(cString: n)))" }
        return "uid \(uid)"
    }

    /// Linux's `struct ucred` (glibc hides it without _GNU_SOURCE).
    private struct ucredLinux {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }
}
