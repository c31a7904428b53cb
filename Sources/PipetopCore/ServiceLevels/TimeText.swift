import Foundation

/// Clock times as people and programs write them on the wire: RFC 3339
/// ("2026-12-02T06:00:00Z", "2026-12-02T06:00:00+01:00", fractions allowed).
public enum TimeText {
    /// Epoch seconds, or nil for text that is not an RFC 3339 date and time with a zone.
    public static func epoch(_ text: String) -> Double? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: text) { return d.timeIntervalSince1970 }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)?.timeIntervalSince1970
    }
}
