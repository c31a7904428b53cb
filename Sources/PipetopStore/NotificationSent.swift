/// What the notifier last sent for one alert to one target, kept so that a restarted engine
/// neither sends `firing` again nor forgets to send `resolved` (docs/ALERTS.md).
public struct NotificationSent: Sendable, Equatable {
    public var alert: String
    /// The target's name (`NotifyTarget.name`).
    public var target: String
    /// firing or resolved.
    public var status: String
    /// Engine time of the notification (a repeat is due `repeat` seconds after it).
    public var at: Double

    public init(alert: String, target: String, status: String, at: Double) {
        self.alert = alert; self.target = target; self.status = status; self.at = at
    }
}
