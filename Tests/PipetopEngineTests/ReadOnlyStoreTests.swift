import Foundation
import GRDB
import Testing
@testable import PipetopStore
#if canImport(Glibc)
import Glibc
#endif

/// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as in CI's container).
let mountPermitted: Bool = {
    guard let d = ReadOnlyStoreTests.readOnlyCopy(of: []) else { return false }
    ReadOnlyStoreTests.unmount(d)
    return true
}()

/// `Store.reading` reads what it may not write, and never migrates: a file of the first schema
/// on a read-only tmpfs (root ignores file modes; EROFS it does not).
@Suite("Reading a database without writing it", .serialized,
       .enabled(if: mountPermitted, "mounting a tmpfs needs root (CAP_SYS_ADMIN): skipped"))
struct ReadOnlyStoreTests {
    /// A tmpfs at `dir` holding `files`, remounted read-only; nil when mounting is not permitted.
    static func readOnlyCopy(of files: [String]) -> String? {
        let dir = "/tmp/pt-rost-\(UUID().uuidString.prefix(8))"
        mkdir(dir, 0o700)
        guard mount("tmpfs", dir, "tmpfs", 0, "size=16m,mode=0755") == 0 else { rmdir(dir); return nil }
        for f in files { try? FileManager.default.copyItem(atPath: f, toPath: dir + "/" + (f as NSString).lastPathComponent) }
        // EBUSY while a process another test spawns at that moment still holds a copied file
        // open (inherited); it lets go when it execs or ends.
        var tries = 0
        while mount("tmpfs", dir, "tmpfs", UInt(MS_REMOUNT | MS_RDONLY), nil) != 0 {
            tries += 1
            guard errno == EBUSY && tries < 100 else { umount2(dir, Int32(MNT_DETACH)); rmdir(dir); return nil }
            usleep(100_000)
        }
        return dir
    }

    static func unmount(_ dir: String) { umount2(dir, Int32(MNT_DETACH)); rmdir(dir) }

    @Test func aFileOfTheFirstSchemaOnAReadOnlyMountIsReadAsItIs() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let old = try DatabaseQueue(path: path)
        try Store.migrator(upTo: "v1").migrate(old)
        try old.write { db in
            try db.execute(sql: "INSERT INTO event (seq, at, job, line) VALUES (1, 5, 'j', ?)", arguments: [#"{"type":"job.start","job":"j","name":"ancient"}"#])
            try db.execute(sql: "INSERT INTO event (seq, at, job, line) VALUES (2, 6, 'j', ?)", arguments: [#"{"type":"progress","job":"j","phase":"a","done":3}"#])
        }
        try old.close()
        let ro = try #require(Self.readOnlyCopy(of: [path]), "cannot mount a tmpfs")
        defer { Self.unmount(ro) }
        let copy = ro + "/p.db"
        // What `report` did before: open for writing, migrate, fail.
        #expect(throws: (any Error).self) { try Store(path: copy) }
        let store = try Store.reading(copy)
        #expect(try store.restoreState().state[job: "j"]?.phase("a")?.done == 3)
        #expect(try store.entries(job: "j").count == 2)
        // Not a pipetop database: said so, naming the file.
        let other = try DatabaseQueue(path: dir + "/other.db")
        try other.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        try other.close()
        #expect { try Store.reading(dir + "/other.db") } throws: { error in
            "\(error)" == "\(dir)/other.db cannot be read (it is not a pipetop database)"
        }
    }
}
