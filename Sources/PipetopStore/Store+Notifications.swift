import Foundation
import GRDB

extension Store {
    /// Migration v3: one row per alert and target.
    static func createNotifiedTable(_ db: Database) throws {
        try db.create(table: "notified") { t in
            t.column("alert", .text).notNull()
            t.column("target", .text).notNull()
            t.column("status", .text).notNull()
            t.column("at", .double).notNull()
            t.primaryKey(["alert", "target"])
        }
    }

    /// Everything recorded as sent (read once, when the engine starts).
    public func notificationsSent() throws -> [NotificationSent] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT alert, target, status, at FROM notified")
                .map { NotificationSent(alert: $0["alert"], target: $0["target"], status: $0["status"], at: $0["at"]) }
        }
    }

    /// Records what was just sent (replacing what was sent before for that alert and target).
    public func recordNotification(_ n: NotificationSent) throws {
        try db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO notified (alert, target, status, at) VALUES (?, ?, ?, ?)",
                           arguments: [n.alert, n.target, n.status, n.at])
        }
    }

    /// Forgets alerts the engine no longer holds (their ids may come back for a new alert).
    public func forgetNotifications(alerts: [String]) throws {
        guard !alerts.isEmpty else { return }
        try db.write { db in
            for chunk in stride(from: 0, to: alerts.count, by: 500).map({ Array(alerts[$0..<min($0 + 500, alerts.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try db.execute(sql: "DELETE FROM notified WHERE alert IN (\(marks))", arguments: StatementArguments(chunk))
            }
        }
    }
}
