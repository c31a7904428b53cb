import Dispatch
import PipetopStore

/// The notifier's memory of what it sent, in the engine's database (table `notified`), so a
/// restart neither repeats a `firing` nor forgets a `resolved`. Couriers record after each
/// delivery, on their own threads; forgetting goes through a queue of its own: never the
/// engine's event loop. A write that fails is not retried (the journal's own "not saved"
/// alert already says the database cannot be written); the cost is one repeated notification
/// after a restart.
public final class NotifyLedger: Sendable {
    let store: Store
    private let queue = DispatchQueue(label: "pipetop-notify-ledger")

    public init(store: Store) { self.store = store }

    /// What was sent before this engine started.
    func load() -> [NotificationSent] { (try? store.notificationsSent()) ?? [] }

    /// Called on a courier's thread once a notification was delivered.
    func record(_ sent: NotificationSent) {
        queue.sync { _ = try? store.recordNotification(sent) }
    }

    /// Alerts the engine no longer holds.
    func forget(_ alerts: [String]) {
        guard !alerts.isEmpty else { return }
        let store = self.store
        queue.async { _ = try? store.forgetNotifications(alerts: alerts) }
    }
}
