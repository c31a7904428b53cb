import Foundation

/// A point in time given on the command line (`history --since/--until`): a date or an ISO
/// 8601 time (UTC unless it says), seconds since the epoch, or an age ("7d": seven days ago).
enum TimeArgument {
    static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    /// Seconds since the epoch; a sentence naming the option when `text` is none of the forms.
    static func parse(_ text: String, option: String, now: Double = Date().timeIntervalSince1970) throws -> Double {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let last = t.last, let unit = units[last], let n = Double(t.dropLast()), n >= 0, n.isFinite {
            return now - n * unit
        }
        if let epoch = Double(t), epoch >= 0, epoch < 1e11, t.allSatisfy({ $0.isNumber || $0 == "." }) { return epoch }
        let forms: [(ISO8601DateFormatter.Options, Bool)] = [([.withInternetDateTime, .withFractionalSeconds], false),
                                                             ([.withInternetDateTime], false),
                                                             ([.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime], true),
                                                             ([.withFullDate, .withDashSeparatorInDate], true)]
        for (options, zoneless) in forms {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if zoneless { f.timeZone = TimeZone(identifier: "UTC") }
            if let d = f.date(from: t) { return d.timeIntervalSince1970 }
        }
        // "2026-12-01T06:00" (no seconds).
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm"
        if let d = f.date(from: t) { return d.timeIntervalSince1970 }
        throw CLIError("\(option) takes a date or time such as 2026-12-01 or 2026-12-01T06:00:00Z (UTC unless it gives an offset), "
                       + "seconds since the epoch, or an age such as 30m, 12h, 7d or 2w; '\(text)' is none of these")
    }
}
