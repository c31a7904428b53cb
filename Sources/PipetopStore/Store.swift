import Foundation
import GRDB
import GRDBSQLite
import PipetopCore
import PipetopWire

/// The engine's memory on disk: a journal of every applied event (as its wire line, with the
/// engine time it was applied at) and, now and then, a snapshot of the whole state; restart
/// = the newest snapshot + the journal after it, through the same reducer.
///
/// SQLite through GRDB in WAL mode; the schema is created and migrated by GRDB's migrator.
public final class Store: @unchecked Sendable {
    public let path: String
    /// Internal: the notifier's ledger (Store+Notifications.swift) writes through it too.
    let db: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`; ":memory:" keeps it in memory.
    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.label = "pipetop"
        if path == ":memory:" {
            db = try DatabaseQueue(configuration: config)
        } else {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try Self.makeDirectories(dir, for: path) }
            // The file holds everything jobs reported: only its user reads it. Created 0600
            // here (not through umask, which is the whole process's); SQLite gives its -wal
            // and -shm files the database's mode.
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
            chmod(path, 0o600)
            do { db = try DatabasePool(path: path, configuration: config) } catch {
                throw StoreFailure(path: path, error: error, systemErrno: errno, action: "opened")
            }
            chmod(path, 0o600)
        }
        try Self.migrator.migrate(db)
    }

    /// A store over a connection already opened (`Store.reading`: read-only, never migrated).
    init(path: String, opened db: any DatabaseWriter) {
        self.path = path
        self.db = db
    }

    /// `mkdir -p` with mode 0700, through mkdir(2) so that a failure says which directory and
    /// why (Foundation's says "The operation could not be completed").
    static func makeDirectories(_ dir: String, for path: String) throws {
        var made = ""
        for part in dir.split(separator: "/", omittingEmptySubsequences: true) {
            made += (made.isEmpty && !dir.hasPrefix("/") ? "" : "/") + part
            if mkdir(made, 0o700) == 0 || errno == EEXIST {
                var st = stat()
                if stat(made, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { continue }
                throw StoreFailure(path: path, reason: "\(made) is not a directory", action: "created")
            }
            throw StoreFailure(path: path, reason: "\(made): \(String(cString: strerror(errno)))", action: "created")
        }
    }

    static var migrator: DatabaseMigrator { migrator(upTo: nil) }

    /// The schema's history; `upTo` stops after that migration (tests build old files).
    static func migrator(upTo last: String?) -> DatabaseMigrator {
        var m = DatabaseMigrator()
        func register(_ name: String, _ body: @escaping @Sendable (Database) throws -> Void) {
            if let last, m.migrations.contains(last) { return }
            m.registerMigration(name, migrate: body)
        }
        register("v1") { db in
            try db.create(table: "event") { t in
                t.primaryKey("seq", .integer)          // the engine's order of application
                t.column("at", .double).notNull()      // engine time it was applied at
                t.column("job", .text).notNull()
                t.column("line", .text).notNull()      // the event as a wire line
            }
            try db.create(table: "snapshot") { t in
                t.primaryKey("through", .integer)      // every event with seq <= through is in it
                t.column("at", .double).notNull()
                t.column("state", .blob).notNull()     // PipelineState as JSON
            }
        }
        // v2: the event's type, so old progress can be thinned without parsing every line.
        register("v2") { db in
            try db.alter(table: "event") { t in t.add(column: "type", .text) }
            try db.execute(sql: "UPDATE event SET type = json_extract(line, '$.type')")
            try db.create(index: "event_job", on: "event", columns: ["job", "seq"])
        }
        // v3: what the notifier sent, per alert and target (Store+Notifications.swift).
        register("v3", createNotifiedTable)
        return m
    }

    public struct Entry: Sendable, Equatable {
        public var seq: Int64
        public var at: Double
        public var job: String
        public var line: String
        /// The event's type (nil: read from the line when stored).
        public var type: String?
        public init(seq: Int64, at: Double, job: String, line: String, type: String? = nil) {
            self.seq = seq; self.at = at; self.job = job; self.line = line; self.type = type
        }
    }

    /// Appends journal entries in one transaction (one disk commit for the batch).
    /// A failure throws `StoreFailure` (the file and the system's reason).
    public func append(_ entries: [Entry]) throws {
        guard !entries.isEmpty else { return }
        var systemErrno: Int32 = 0
        do {
            try db.writeWithoutTransaction { db in
                do {
                    try db.inTransaction { try Self.insert(entries, db); return .commit }
                } catch {
                    // The errno behind it (ENOSPC, EROFS...) is known only here, on the connection.
                    systemErrno = sqlite3_system_errno(db.sqliteConnection)
                    throw error
                }
            }
        } catch {
            throw StoreFailure(path: path, error: error, systemErrno: systemErrno)
        }
    }

    private static func insert(_ entries: [Entry], _ db: Database) throws {
        let stmt = try db.cachedStatement(sql: "INSERT INTO event (seq, at, job, line, type) VALUES (?, ?, ?, ?, COALESCE(?, json_extract(?, '$.type')))")
        // Bound through SQLite's C API: this runs for every event the engine applies, and
        // GRDB's argument arrays cost more than the insert (measured: 268k rows/s with them).
        let h = stmt.sqliteStatement
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        func text(_ i: Int32, _ s: String?) {
            guard var s else { sqlite3_bind_null(h, i); return }
            s.withUTF8 { u in _ = sqlite3_bind_text(h, i, u.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(u.count), transient) }
        }
        for e in entries {
            sqlite3_reset(h)
            sqlite3_bind_int64(h, 1, e.seq)
            sqlite3_bind_double(h, 2, e.at)
            text(3, e.job)
            text(4, e.line)
            text(5, e.type)
            text(6, e.type == nil ? e.line : nil)
            let rc = sqlite3_step(h)
            guard rc == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
        sqlite3_reset(h)
    }

    /// Stores `state` as of journal entry `through`: a restart then replays only what came
    /// after it. The journal itself stays (for `export`) until retention prunes it.
    public func saveSnapshot(_ state: PipelineState, through: Int64, at: Double) throws {
        let data = try JSONEncoder().encode(state)
        try db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO snapshot (through, at, state) VALUES (?, ?, ?)", arguments: [through, at, data])
            try db.execute(sql: "DELETE FROM snapshot WHERE through < ?", arguments: [through])
        }
    }

    /// Retention: drops journal entries older than `before` (engine time) and, while the
    /// file is larger than `maxBytes`, the oldest tenth of what is left, never an entry the
    /// newest snapshot does not cover (a restart needs those). Returns the entries dropped.
    @discardableResult
    public func prune(before: Double, maxBytes: Int?) throws -> Int {
        var dropped = 0
        try db.write { db in
            let through = try Int64.fetchOne(db, sql: "SELECT MAX(through) FROM snapshot") ?? 0
            try db.execute(sql: "DELETE FROM event WHERE at < ? AND seq <= ?", arguments: [before, through])
            dropped += db.changesCount
            // Compact progress older than an hour: the last update of each phase per minute
            // is enough history (counts are absolute, so nothing is lost but resolution).
            let hourAgo = (try Double.fetchOne(db, sql: "SELECT MAX(at) FROM event") ?? 0) - 3_600
            try db.execute(sql: """
                DELETE FROM event WHERE type = 'progress' AND seq <= ?1 AND at < ?2 AND seq NOT IN (
                  SELECT MAX(seq) FROM event WHERE type = 'progress' AND seq <= ?1 AND at < ?2
                  GROUP BY job, json_extract(line, '$.phase'), CAST(at / 60 AS INTEGER))
                """, arguments: [through, hourAgo])
            dropped += db.changesCount
            guard let cap = maxBytes else { return }
            for _ in 0..<10 {
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                guard (pages - free) * size > cap else { break }
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE seq <= ?", arguments: [through]) ?? 0
                guard count > 0 else { break }
                try db.execute(sql: "DELETE FROM event WHERE seq IN (SELECT seq FROM event WHERE seq <= ? ORDER BY seq LIMIT ?)",
                               arguments: [through, max(1, count / 10)])
                dropped += db.changesCount
            }
        }
        return dropped
    }

    /// Every journal entry of one job, oldest first (what `pipetop export` writes).
    public func entries(job: String) throws -> [Entry] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, at, job, line FROM event WHERE job = ? ORDER BY seq", arguments: [job])
                .map { Entry(seq: $0["seq"], at: $0["at"], job: $0["job"], line: $0["line"]) }
        }
    }

    public struct Loaded: Sendable {
        public var snapshot: PipelineState?
        public var snapshotThrough: Int64
        public var entries: [Entry]
        /// The next sequence number to use.
        public var nextSeq: Int64
    }

    /// The newest snapshot and the journal after it.
    public func load() throws -> Loaded {
        try db.read { db in
            var state: PipelineState?
            var through: Int64 = 0
            if let row = try Row.fetchOne(db, sql: "SELECT through, state FROM snapshot ORDER BY through DESC LIMIT 1") {
                through = row["through"]
                let data: Data = row["state"]
                state = try JSONDecoder().decode(PipelineState.self, from: data)
            }
            let entries = try Row.fetchAll(db, sql: "SELECT seq, at, job, line FROM event WHERE seq > ? ORDER BY seq", arguments: [through])
                .map { Entry(seq: $0["seq"], at: $0["at"], job: $0["job"], line: $0["line"]) }
            let maxSeq = max(through, entries.last?.seq ?? 0)
            return Loaded(snapshot: state, snapshotThrough: through, entries: entries, nextSeq: maxSeq + 1)
        }
    }

    /// The state the journal describes: the newest snapshot with the events after it applied
    /// through the reducer at the engine times they were first applied at.
    public func restoreState() throws -> (state: PipelineState, lastSeq: Int64) {
        let loaded = try load()
        var state = loaded.snapshot ?? PipelineState()
        for e in loaded.entries {
            if case .success(.event(let event)) = EventDecoder.decode(e.line) { try? state.apply(event, now: e.at) }
        }
        return (state, loaded.nextSeq - 1)
    }

    /// "ok" when SQLite finds the file sound.
    public func integrityCheck() throws -> String {
        try db.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    public func eventCount() throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0 }
    }

    /// The default file: $XDG_STATE_HOME/pipetop/pipetop.db, else ~/.local/state/pipetop/pipetop.db.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/pipetop/pipetop.db"
    }
}
