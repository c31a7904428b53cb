import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file's contents atomically without ever following a link another user planted:
/// the text goes to a new file with a random name in the target's directory (created with
/// O_EXCL|O_NOFOLLOW, so an existing name or a symlink fails instead of being written through),
/// then is renamed over the target (rename replaces a symlink itself, never its target).
/// A predictable `PATH.tmp.<pid>` let another user point that name at the victim's ~/.bashrc.
public enum TextfileWriter {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func replace(_ path: String, with text: String, mode: mode_t = 0o644) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        var fd: Int32 = -1
        var tmp = ""
        for _ in 0..<8 {
            tmp = (dir.isEmpty ? "" : dir + "/") + ".\(base).\(UInt64.random(in: 0...UInt64.max)).tmp"
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw Failure(description: "cannot write \(path): a new file in \(dir.isEmpty ? "." : dir) could not be made (\(String(cString: strerror(errno))))")
        }
        // The mode asked for, whatever the umask.
        fchmod(fd, mode)
        do { try SafeWrite.write(text, to: fd) } catch {
            close(fd); unlink(tmp)
            throw Failure(description: "cannot write \(path): \(error)")
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw Failure(description: "cannot replace \(path): \(why)")
        }
    }
}
