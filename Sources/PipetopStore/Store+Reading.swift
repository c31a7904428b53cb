import Foundation
import GRDB

extension Store {
    /// Opens the database at `path` for reading only: nothing is created, migrated or written,
    /// so `report`, `history`, `resume`, `export` and `alerts` work on a file they may not
    /// write (a read-only mount, another user's 0444 copy, an engine's live file). A file
    /// written by an older pipetop is read as it is; what it lacks fails with a sentence.
    public static func reading(_ path: String) throws -> Store {
        var config = Configuration()
        config.label = "pipetop-reader"
        config.readonly = true
        do {
            return try opened(path, sqlitePath: path, config: config)
        } catch let first {
            // A WAL database in a directory that cannot be written, with no -shm file left:
            // SQLite cannot open it read-only. With no -wal file (or an empty one) the main
            // file holds everything, and SQLite may read it as immutable.
            if let size = fileSize(path + "-wal"), size > 0 {
                throw StoreFailure(path: path, reason: "its write-ahead log \(path)-wal holds changes not yet in the file, and SQLite "
                                   + "cannot read them without writing beside it (\(reason(first))); copy the database with its -wal "
                                   + "file to a directory you can write, or open it once with a running engine", action: "read")
            }
            // Immutable only where nothing can be writing: the file or its directory is read-only.
            let dir = (path as NSString).deletingLastPathComponent
            guard access(path, W_OK) != 0 || access(dir.isEmpty ? "." : dir, W_OK) != 0, let uri = immutableURI(path) else {
                throw failure(path, first)
            }
            do { return try opened(path, sqlitePath: uri, config: config) } catch let f as StoreFailure { throw f } catch { throw failure(path, first) }
        }
    }

    private static func opened(_ path: String, sqlitePath: String, config: Configuration) throws -> Store {
        let queue = try DatabaseQueue(path: sqlitePath, configuration: config)
        // SQLite opens lazily: the first read says whether the file can be read at all.
        let tables = try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        guard tables.contains("event"), tables.contains("snapshot") else {
            throw StoreFailure(path: path, reason: tables.isEmpty ? "it is empty, not a pipetop database" : "it is not a pipetop database",
                               action: "read")
        }
        return Store(path: path, opened: queue)
    }

    private static func failure(_ path: String, _ error: any Error) -> StoreFailure {
        if let f = error as? StoreFailure { return f }
        return StoreFailure(path: path, reason: reason(error), action: "read")
    }

    private static func reason(_ error: any Error) -> String {
        if let f = error as? StoreFailure { return f.reason }
        return StoreFailure(path: "", error: error, systemErrno: 0, action: "read").reason
    }

    private static func fileSize(_ path: String) -> Int64? {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : nil
    }

    /// `file:PATH?immutable=1`: SQLite reads the file without locks or a -shm file (safe only
    /// because no write-ahead log is pending and nothing can write a read-only file).
    private static func immutableURI(_ path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        guard let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return "file:" + escaped + "?immutable=1"
    }
}
