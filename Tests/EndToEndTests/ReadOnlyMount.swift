import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files copied onto a small tmpfs that is then remounted read-only: what root cannot write
/// either (file modes do not stop root; EROFS does).
final class ReadOnlyMount {
    let dir: String

    /// Whether this process may mount (root with CAP_SYS_ADMIN, as in CI's container).
    static let permitted: Bool = {
        let d = "/tmp/pt-ro-probe-\(getpid())"
        mkdir(d, 0o700)
        defer { rmdir(d) }
        guard mount("tmpfs", d, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(d)
        return true
    }()

    init(files: [String]) throws {
        dir = "/tmp/pt-ro-\(UUID().uuidString.prefix(8))"
        mkdir(dir, 0o700)
        guard mount("tmpfs", dir, "tmpfs", 0, "size=32m,mode=0755") == 0 else {
            throw MountError("cannot mount a tmpfs at \(dir): \(String(cString: strerror(errno)))")
        }
        for f in files {
            try FileManager.default.copyItem(atPath: f, toPath: dir + "/" + (f as NSString).lastPathComponent)
        }
        // EBUSY while a process another test spawns at that moment still holds a copied file
        // open (inherited); it lets go when it execs or ends.
        var tries = 0
        while mount("tmpfs", dir, "tmpfs", UInt(MS_REMOUNT | MS_RDONLY), nil) != 0 {
            tries += 1
            guard errno == EBUSY && tries < 100 else {
                let why = String(cString: strerror(errno))
                remove()
                throw MountError("cannot remount \(dir) read-only: \(why)")
            }
            usleep(100_000)
        }
    }

    func path(of file: String) -> String { dir + "/" + (file as NSString).lastPathComponent }

    func remove() {
        umount2(dir, Int32(MNT_DETACH))
        rmdir(dir)
    }

    struct MountError: Error, CustomStringConvertible { var description: String; init(_ d: String) { description = d } }
}
