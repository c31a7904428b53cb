import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checks that keep another local user out of the spool: a directory is used only when it
/// is a real directory (not a symlink) owned by this user, and it is made private (0700).
public enum SpoolDirectory {
    /// Makes sure `path` is this user's private directory, creating it (and its parents) when
    /// `create` is set. Throws when it is a symlink, not a directory, or another user's.
    public static func prepare(_ path: String, create: Bool) throws(SpoolError) {
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT, create else {
                throw SpoolError("cannot use the spool directory \(path): \(String(cString: strerror(errno)))")
            }
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty && parent != path {
                var pst = stat()
                if stat(parent, &pst) != 0 { try prepareParent(parent) }
            }
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw SpoolError("cannot create the spool directory \(path): \(String(cString: strerror(errno)))")
            }
            guard lstat(path, &st) == 0 else {
                throw SpoolError("cannot use the spool directory \(path): \(String(cString: strerror(errno)))")
            }
        }
        if (st.st_mode & S_IFMT) == S_IFLNK {
            throw SpoolError("the spool directory \(path) is a symbolic link; pipetop does not follow it (remove it)")
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw SpoolError("the spool directory \(path) is not a directory") }
        guard st.st_uid == getuid() else {
            let owner = getpwuid(st.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(st.st_uid)"
            throw SpoolError("the spool directory \(path) belongs to \(owner), not to this user; pipetop does not use it")
        }
        if st.st_mode & 0o077 != 0 { chmod(path, 0o700) }
    }

    /// Creates the parents of the spool (e.g. ~/.local/state/pipetop), private to the user.
    private static func prepareParent(_ path: String) throws(SpoolError) {
        var st = stat()
        if stat(path, &st) == 0 { return }
        let up = (path as NSString).deletingLastPathComponent
        if !up.isEmpty && up != path { try prepareParent(up) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw SpoolError("cannot create \(path) for the spool: \(String(cString: strerror(errno)))")
        }
    }

    /// The entries of a directory (without . and ..); none when it cannot be read.
    static func names(in path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }
}
