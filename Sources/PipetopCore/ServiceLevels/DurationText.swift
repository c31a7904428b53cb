import Foundation

/// Durations as people write them in config files and options: "90s", "45m", "2h", "1d",
/// "1h30m", or plain seconds.
public enum DurationText {
    /// Seconds, or nil for text that is not a positive duration.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let n = Double(t) { return n > 0 && n.isFinite ? n : nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var total = 0.0, number = "", seenUnit = Set<Character>()
        for c in t {
            if c.isNumber || c == "." { number.append(c); continue }
            guard let scale = units[c], let n = Double(number), !seenUnit.contains(c) else { return nil }
            seenUnit.insert(c)
            total += n * scale
            number = ""
        }
        guard number.isEmpty, total > 0, total.isFinite else { return nil }
        return total
    }

    /// "2h", "1h30m", "45s": the shortest way to write whole seconds back.
    public static func text(_ seconds: Double) -> String {
        var s = Int(seconds.rounded()), out = ""
        for (unit, scale) in [("d", 86_400), ("h", 3600), ("m", 60)] where s >= scale {
            out += "\(s / scale)\(unit)"
            s %= scale
        }
        if s > 0 || out.isEmpty { out += "\(s)s" }
        return out
    }
}
