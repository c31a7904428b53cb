import Foundation
import GRDB
import GRDBSQLite

/// Why the database could not be written, in words a person reads in a log, an alert or a
/// `sync` error: the file and the system's reason ("No space left on device"), never
/// SQLite's internal codes.
public struct StoreFailure: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    /// The reason alone, e.g. "No space left on device".
    public var reason: String
    /// What could not be done to it: written, opened, created.
    public var action = "written"

    public var description: String { "\(path) cannot be \(action) (\(reason))" }

    public init(path: String, reason: String, action: String = "written") {
        self.path = path
        self.reason = reason
        self.action = action
    }

    /// `systemErrno` is SQLite's last errno for the connection (0: none known).
    init(path: String, error: any Error, systemErrno: Int32, action: String = "written") {
        self.path = path
        self.action = action
        let code = (error as? DatabaseError)?.resultCode
        // A file that is not SQLite's says so itself; the errno left over is from probing for
        // its journal ("No such file or directory"), not why it failed.
        if code == .SQLITE_NOTADB || code == .SQLITE_CORRUPT {
            reason = "the file is damaged or not a pipetop database"
            return
        }
        if systemErrno != 0, code != .SQLITE_CONSTRAINT {
            reason = String(cString: strerror(systemErrno))
            return
        }
        switch code {
        case .SQLITE_FULL?: reason = String(cString: strerror(ENOSPC))
        case .SQLITE_READONLY?: reason = "the file or its directory is read-only"
        case .SQLITE_PERM?, .SQLITE_AUTH?: reason = String(cString: strerror(EACCES))
        case .SQLITE_IOERR?: reason = String(cString: strerror(EIO))
        case .SQLITE_CORRUPT?, .SQLITE_NOTADB?: reason = "the file is damaged or not a pipetop database"
        case .SQLITE_BUSY?, .SQLITE_LOCKED?: reason = "another process holds it locked"
        case .SQLITE_CANTOPEN?: reason = "it cannot be opened"
        default:
            if let e = error as? DatabaseError { reason = e.message ?? "SQLite error \(e.resultCode.rawValue)" } else { reason = "\(error)" }
        }
    }
}
