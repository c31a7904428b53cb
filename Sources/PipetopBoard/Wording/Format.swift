import Foundation

/// Short human forms for durations, counts and rates, as a terminal column has room for.
public enum Format {
    /// "45s", "3m12s", "2h05m", "3d04h"; "-" for nil.
    public static func duration(_ seconds: Double?) -> String {
        guard let s = seconds, s.isFinite, s >= 0, s < 1e15 else { return "-" }
        let t = Int(s.rounded())
        if t < 60 { return "\(t)s" }
        if t < 3600 { return "\(t / 60)m\(pad(t % 60))s" }
        if t < 86_400 { return "\(t / 3600)h\(pad(t % 3600 / 60))m" }
        return "\(t / 86_400)d\(pad(t % 86_400 / 3600))h"
    }

    /// A peak resident set, or "not sampled" when none was seen (`peakRSSSeen`).
    public static func peakRSS(_ bytes: Int?) -> String { bytes.map(Self.bytes) ?? "not sampled" }

    /// "950", "12.3k", "4.50M".
    public static func count(_ n: Int) -> String {
        let a = abs(n)
        if a < 10_000 { return "\(n)" }
        return scaled(Double(n))
    }

    /// "12/s", "1.2k/s"; slower than one a second per minute ("30/min", "1.0/min") and slower
    /// than one a minute per hour ("2.0/h"), so a page a minute never reads "0.0/s"; with a
    /// unit: "12 rows/s". Nothing at all: "0/s".
    public static func rate(_ r: Double?, unit: String? = nil) -> String {
        guard let r, r.isFinite, r >= 0 else { return "-" }
        let (value, per): (Double, String) = r == 0 || r >= 1 ? (r, "s") : r * 60 >= 1 ? (r * 60, "min") : (r * 3600, "h")
        let n: String
        if value == 0 { n = "0" }
        else if value < 10 { n = String(format: "%.1f", value) }
        else if value < 1000 { n = String(format: "%.0f", value) }
        else { n = scaled(value) }
        if let unit, !unit.isEmpty { return "\(n) \(unit)/\(per)" }
        return "\(n)/\(per)"
    }

    /// "42%", with no decimals; clamps to 0...100.
    public static func percent(_ f: Double?) -> String {
        guard let f, f.isFinite else { return "-" }
        return "\(Int((min(1, max(0, f)) * 100).rounded(.down)))%"
    }

    /// "512B", "3.4KiB", "1.2GiB": binary units (as top and htop count memory), named so they
    /// cannot be read as decimal ones; the one form for bytes everywhere pipetop prints them.
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(max(0, n))
        var i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        if i == 0 { return "\(Int(v))B" }
        return v < 10 ? String(format: "%.1f%@", v, units[i]) : String(format: "%.0f%@", v, units[i])
    }

    /// Local wall-clock time "HH:MM:SS" for a Unix time.
    public static func clock(_ t: Double) -> String {
        // A time from another engine may be anything (found by fuzzing the viewer side).
        guard t.isFinite, abs(t) < 1e15 else { return "--:--:--" }
        var tt = time_t(t)
        var tmv = tm()
        localtime_r(&tt, &tmv)
        return "\(pad(Int(tmv.tm_hour))):\(pad(Int(tmv.tm_min))):\(pad(Int(tmv.tm_sec)))"
    }

    /// "2026-11-23T14:32:05.123Z": a time in reports, notifications and exports.
    public static func iso8601(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    /// When something will happen: local "14:32" within a day of `now`, else "Nov 25 14:32".
    public static func finish(_ t: Double, now: Double) -> String {
        guard t.isFinite, abs(t) < 1e12 else { return "-" }
        var tt = time_t(t)
        var tmv = tm()
        localtime_r(&tt, &tmv)
        let hm = "\(pad(Int(tmv.tm_hour))):\(pad(Int(tmv.tm_min)))"
        if t - now < 20 * 3600 { return hm }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[Int(tmv.tm_mon) % 12]) \(tmv.tm_mday) " + hm
    }

    private static func scaled(_ v: Double) -> String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (size, suffix) in units where abs(v) >= size {
            let x = v / size
            if abs(x) < 10 { return String(format: "%.2f%@", x, suffix) }
            if abs(x) < 100 { return String(format: "%.1f%@", x, suffix) }
            return String(format: "%.0f%@", x, suffix)
        }
        return String(format: "%.0f", v)
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension Int {
    /// `d` rounded toward zero, held to ±2^53 (0 for NaN): for figures that come from other
    /// processes and may be anything (a plain `Int(d)` traps on NaN, infinity or overflow).
    public init(saturating d: Double) {
        guard !d.isNaN else { self = 0; return }
        self.init(Swift.max(-9.0e15, Swift.min(9.0e15, d)))
    }
}
