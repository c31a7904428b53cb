import PipetopCore

/// How a job's or phase's estimate is styled on screen; the words are the Board's
/// (`ETAWording`), the same in `report`.
enum ETAText {
    typealias Form = ETAWording.Form

    /// "12m", "≈12m" (rough range), "≥12m" (phases ahead unknown), "stalled 3m", "paused",
    /// or how the job ended; longer forms add the 80% range and the clock time of completion.
    static func job(_ job: BoardJob, now: Double, form: Form, label: String = "", glyphs: Glyphs, theme: Theme) -> (String, Style) {
        let (text, kind) = ETAWording.job(job, now: now, form: form, label: label, marks: marks(glyphs))
        return (text, style(kind, theme))
    }

    /// A running phase: "ETA 4m", or "stalled 2m".
    static func phase(_ p: BoardPhase, now: Double, label: String = "", theme: Theme) -> (String, Style) {
        let (text, kind) = ETAWording.phase(p, now: now, label: label)
        return (kind == .unknown ? label + Format.duration(nil) : text, style(kind, theme))
    }

    static func marks(_ glyphs: Glyphs) -> ETAWording.Marks {
        ETAWording.Marks(atLeast: glyphs.atLeast, rough: glyphs.rough, rangeDash: glyphs.rangeDash)
    }

    static func style(_ kind: ETAWording.Kind, _ theme: Theme) -> Style {
        switch kind {
        case .done: return theme.done
        case .failed: return theme.failed
        case .canceled: return theme.skipped
        case .paused: return theme.paused
        case .waiting: return theme.pending
        case .stalled: return theme.warn
        case .unknown: return theme.dim
        case .estimate: return theme.text
        }
    }
}
