import Foundation
import PipetopCore
import PipetopWire

/// Reads progress from one line of a command's output (`pipetop run`):
///
/// - `PIPETOP {json}` at the very start of a line (with `--progress-from`): a protocol event
///   (`CommandEvent` decides whether it is taken); anywhere else in a line it is only text;
/// - the bars and counters of known tools, each in its own file: tqdm and enlighten
///   (`TqdmBar`), rich (`RichBar`), alive-progress (`AliveBar`), GNU parallel's `--bar` and
///   `--eta`, rsync's `--info=progress2`, `dd status=progress`, pv's bar, `pv -n` (when the command
///   line runs it: `CommandHints`);
/// - prose counts (`GenericCounts`): any `N/M` or `NN%` with `--progress-from`, only a counter
///   on a line of its own otherwise.
///
/// Escape sequences (colours, cursor moves) are taken out first, and of a line redrawn with
/// carriage returns only the last state is read.
enum ProgressParser {
    enum Found: Equatable {
        case event(JSONValue)
        /// A `PIPETOP ` line whose rest is not a JSON object.
        case unreadable(String)
        case progress(ToolProgress)
    }

    /// What to look for in a stream.
    struct Reading: Equatable, Sendable {
        /// `PIPETOP` event lines and prose counts: the stream named by `--progress-from`.
        var chosen: Bool
        /// Bare numbers are pv's (`pv -n` on the command line, read on stderr only).
        var pv: PvNumeric.Mode?

        static let chosenStream = Reading(chosen: true)
        static let detected = Reading(chosen: false)
    }

    static let eventPrefix = "PIPETOP "

    /// Lines longer than this are not progress (a bar is short): they are not parsed at all.
    static let longestLine = 4096

    static func parse(_ raw: String, reading: Reading = .chosenStream) -> Found? {
        if reading.chosen && raw.hasPrefix(eventPrefix) {
            let json = String(raw.dropFirst(eventPrefix.count))
            do {
                let v = try JSONParser.parse(json)
                guard case .object = v else { return .unreadable("the rest of the line is a JSON \(v.typeName), not an object") }
                return .event(v)
            } catch {
                return .unreadable("its JSON is invalid at column \(error.column): \(error.message)")
            }
        }
        return progress(raw, reading: reading).map(Found.progress)
    }

    static func progress(_ raw: String, reading: Reading) -> ToolProgress? {
        // Bars redraw with carriage returns: the last segment with text is the current state
        // (escape sequences after it, such as a cursor shown again, are not text).
        let text = stripEscapes(raw)
        let line = text.split(separator: "\r").last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init) ?? text
        if let p = TqdmBar.read(line) ?? RsyncProgress.read(line) ?? ParallelBar.read(line) ?? ParallelEta.read(line)
            ?? RichBar.read(line) ?? AliveBar.read(line) ?? DDProgress.read(line) ?? PvBar.read(line) { return p }
        if let mode = reading.pv, let p = PvNumeric.read(line, mode: mode) { return p }
        return reading.chosen ? GenericCounts.read(line) : GenericCounts.readCounter(line)
    }

    private static let escapePattern = try! NSRegularExpression(
        pattern: #"\x1B(?:\[[0-?]*[ -/]*[@-~]|[\]P_^][^\x07\x1B]*(?:\x07|\x1B\\)|[ -/]*[0-~])"#)

    /// The line without terminal escape sequences (CSI, OSC, DCS, and two-byte ones).
    static func stripEscapes(_ s: String) -> String {
        guard s.contains("\u{1B}") else { return s }
        let ns = s as NSString
        return escapePattern.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: ns.length), withTemplate: "")
    }
}
