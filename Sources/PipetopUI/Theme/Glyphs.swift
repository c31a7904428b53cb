import PipetopCore

/// The characters the dashboard draws with, in two tiers: UTF-8 (block bars, round symbols,
/// box lines) and ASCII for terminals or locales that cannot show them. In ASCII too each
/// glyph has one meaning: `>` is only the cursor, `*` only running, `~` only "about", `..`
/// only a cut text, `X` only failed, `?` only not known (a lost job or phase, a total not
/// given) (README.md lists them).
public struct Glyphs: Sendable, Equatable {
    public enum Tier: String, Sendable { case utf8, ascii }
    public let tier: Tier

    public init(_ tier: Tier) { self.tier = tier }

    public static let utf8 = Glyphs(.utf8)
    public static let ascii = Glyphs(.ascii)

    private var u: Bool { tier == .utf8 }

    public func phase(_ s: PhaseState) -> String {
        switch s {
        case .pending: return u ? "○" : "."
        case .running: return u ? "◐" : "*"
        case .done: return u ? "●" : "+"
        case .failed: return u ? "✗" : "X"
        case .skipped, .canceled: return u ? "⊘" : "/"
        case .unknown: return "?"  // an engine newer than this viewer
        }
    }

    /// A lost job, and its phase that was running (`BoardJob.isLost`): not known to go on.
    public var lost: String { u ? "◌" : "?" }

    /// A job's phase as it stands: lost in a lost job if it was running, else by its state.
    public func phase(_ p: BoardPhase, of job: BoardJob) -> String { job.isLost(p) ? lost : phase(p.state) }

    /// A job as it stands: lost, else by its state.
    public func job(_ j: BoardJob) -> String { j.isLost ? lost : job(j.state) }

    public func job(_ s: JobState) -> String {
        switch s {
        case .pending: return u ? "○" : "."
        case .running, .completing: return u ? "◐" : "*"
        case .pausing, .paused: return u ? "‖" : "="
        case .canceling, .canceled: return u ? "⊘" : "/"
        case .completed: return u ? "●" : "+"
        case .failed: return u ? "✗" : "X"
        case .unknown: return "?"
        }
    }

    /// A job's step as it stands: lost in a lost job if it was running, else by its state.
    public func step(_ s: Step, of job: BoardJob) -> String { job.isLost(s) ? lost : step(s.state) }

    public func step(_ s: StepState) -> String {
        switch s {
        case .running: return u ? "◐" : "*"
        case .done: return u ? "●" : "+"
        case .failed: return u ? "✗" : "X"
        case .canceled: return u ? "⊘" : "/"
        case .unknown: return "?"
        }
    }

    public var ellipsis: String { u ? "…" : ".." }
    /// Before an estimate with too little history to calibrate its range.
    public var rough: String { u ? "≈" : "~" }
    /// Before an estimate that is a lower bound (phases ahead unknown).
    public var atLeast: String { u ? "≥" : ">=" }
    public var rangeDash: String { u ? "–" : "-" }
    public var alertMark: String { u ? "⚑" : "!" }
    /// An acknowledged alert: `a`, the key that acknowledges.
    public var ackMark: String { u ? "✓" : "a" }
    public var checkpoint: String { u ? "◆" : "@" }

    public func severity(_ s: Alert.Severity) -> String {
        switch s {
        case .info: return u ? "ℹ" : "i"
        case .warning: return u ? "▲" : "W"
        case .critical: return u ? "✖" : "C"
        }
    }
    public var selected: String { u ? "▶" : ">" }
    public var flowArrow: String { u ? "─▶" : "->" }
    public var horizontal: String { u ? "─" : "-" }
    public var vertical: String { u ? "│" : "|" }
    public var dot: String { u ? "·" : "|" }
    public var stepIndent: String { u ? "↳" : "`" }
    /// Partial-cell fills for smooth bars, from 1/8 to 8/8.
    public var barEighths: [String] { u ? ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"] : ["#", "#", "#", "#", "#", "#", "#", "#"] }
    public var barEmpty: String { u ? " " : "." }
    /// Sparkline levels from nothing to full (9 steps).
    public var sparkLevels: [String] { u ? [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : [" ", ".", ".", ":", ":", "=", "=", "#", "#"] }

    /// A sparkline of `values`, each scaled to the largest (one cell per value).
    public func sparkline(_ values: [Double]) -> String {
        let top = values.max() ?? 0
        let levels = sparkLevels
        guard top > 0 else { return String(repeating: levels[0], count: values.count) }
        return values.map { v in
            // Any work at all shows at least the lowest mark.
            let i = v <= 0 ? 0 : max(1, Int(saturating: (v / top * Double(levels.count - 1)).rounded()))
            return levels[min(levels.count - 1, i)]
        }.joined()
    }
    public var barLeft: String { u ? "▕" : "[" }
    public var barRight: String { u ? "▏" : "]" }
}
