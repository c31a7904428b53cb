import Foundation
import PipetopCore
import PipetopWire

/// Reads progress from a command's output lines (`pipetop run --progress-from`):
///
/// - `PIPETOP {json}` at the very start of a line: a protocol event (`CommandEvent` decides
///   whether it is taken); anywhere else in a line it is only text;
/// - a tqdm bar: `45%|████▌     | 45/100 [00:01<00:01, 44.2it/s]`;
/// - `N/M` (e.g. `processed 120/1000 files`): done and total;
/// - `NN%` (e.g. `copying... 42%`): a percentage, as done out of 100;
/// - rsync's `--info=progress2`: `to-chk=R/T` is R files still to check of T, so T−R are done.
///
/// Escape sequences (colours, cursor moves: GNU parallel's `--bar`) are taken out first.
enum ProgressParser {
    enum Found: Equatable {
        case event(JSONValue)
        /// A `PIPETOP ` line whose rest is not a JSON object.
        case unreadable(String)
        case counts(done: Int, total: Int)
        case percent(Double)
    }

    static let eventPrefix = "PIPETOP "

    static func parse(_ raw: String) -> Found? {
        if raw.hasPrefix(eventPrefix) {
            let json = String(raw.dropFirst(eventPrefix.count))
            do {
                let v = try JSONParser.parse(json)
                guard case .object = v else { return .unreadable("the rest of the line is a JSON \(v.typeName), not an object") }
                return .event(v)
            } catch {
                return .unreadable("its JSON is invalid at column \(error.column): \(error.message)")
            }
        }
        // tqdm redraws with carriage returns: the last segment is the current state.
        let line = stripEscapes(raw.split(separator: "\r").last.map(String.init) ?? raw)
        if let m = remaining(line) { return m }
        // tqdm: "...| 45/100 [" — the counts after the bar are exact.
        if let bar = line.range(of: "|", options: .backwards), let m = firstCounts(String(line[bar.upperBound...])) { return m }
        if let m = firstCounts(line) { return m }
        if let p = firstPercent(line) { return .percent(p) }
        return nil
    }

    private static let countsPattern = try! NSRegularExpression(pattern: #"(?<![\w./])(\d{1,15})\s*/\s*(\d{1,15})(?![\w/])"#)
    private static let percentPattern = try! NSRegularExpression(pattern: #"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?%"#)

    private static let escapePattern = try! NSRegularExpression(pattern: #"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])"#)
    private static let remainingPattern = try! NSRegularExpression(pattern: #"(?:to|ir)-chk=(\d{1,15})/(\d{1,15})"#)

    /// The line without terminal escape sequences (CSI, OSC, and two-byte ones).
    static func stripEscapes(_ s: String) -> String {
        guard s.contains("\u{1B}") else { return s }
        let ns = s as NSString
        return escapePattern.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: "")
    }

    /// rsync's `to-chk=R/T` (or `ir-chk` while it still scans): R of T left, so T−R done.
    private static func remaining(_ s: String) -> Found? {
        guard s.contains("-chk=") else { return nil }
        let ns = s as NSString
        guard let m = remainingPattern.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)),
              let left = Int(ns.substring(with: m.range(at: 1))), let total = Int(ns.substring(with: m.range(at: 2))),
              total > 0, left <= total else { return nil }
        return .counts(done: total - left, total: total)
    }

    private static func firstCounts(_ s: String) -> Found? {
        let ns = s as NSString
        guard let m = countsPattern.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)),
              let done = Int(ns.substring(with: m.range(at: 1))), let total = Int(ns.substring(with: m.range(at: 2))),
              total > 0, done <= total else { return nil }
        return .counts(done: done, total: total)
    }

    private static func firstPercent(_ s: String) -> Double? {
        let ns = s as NSString
        guard let m = percentPattern.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)),
              let v = Double(ns.substring(with: m.range(at: 1))), v <= 100 else { return nil }
        return v
    }
}
