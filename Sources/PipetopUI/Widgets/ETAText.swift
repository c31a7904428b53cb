import PipetopCore

/// How a job's estimate reads on screen, from the shortest form (a column of the job list)
/// to the full one (the job screen's header). See docs/ETA.md for what the marks mean.
enum ETAText {
    enum Form { case short, withRange, full }

    /// "12m", "≈12m" (rough range), "≥12m" (phases ahead unknown), "stalled 3m", "paused",
    /// or how the job ended; longer forms add the 80% range and the clock time of completion.
    /// `label` goes before a time (not before "stalled", "paused", "done"...).
    static func job(_ job: Job, now: Double, form: Form, label: String = "", glyphs: Glyphs, theme: Theme) -> (String, Style) {
        switch job.state {
        case .completed: return ("done", theme.done)
        case .failed: return ("failed", theme.failed)
        case .canceled: return ("canceled", theme.skipped)
        case .paused: return ("paused", theme.paused)
        default: break
        }
        if let idle = Estimator.stall(job, now: now) { return ("stalled " + stallTime(idle), theme.warn) }
        guard let e = job.eta?.shown else { return ("-", theme.dim) }
        let left = e.left(now: now)
        let mark = !e.complete ? glyphs.atLeast : e.calibrated ? "" : glyphs.rough
        var text = label + mark + Format.duration(left.eta)
        if form != .short && e.complete {
            text += " " + Format.duration(left.lo) + glyphs.rangeDash + Format.duration(left.hi)
        }
        if form == .full {
            text += " @" + Format.finish(now + left.eta, now: now)
            if e.complete { text += e.calibrated ? " (80%)" : " (rough)" } else { text += " (lower bound)" }
        }
        return (text, theme.text)
    }

    /// How long a stall has lasted, short enough for the ETA column ("3m12s", "28m", "2h05m").
    static func stallTime(_ s: Double) -> String {
        s >= 600 && s < 3600 ? "\(Int(s / 60))m" : Format.duration(s)
    }

    /// A running phase: "ETA 4m", or "stalled 2m".
    static func phase(_ p: Phase, of job: Job, state: PipelineState, now: Double, label: String = "", theme: Theme) -> (String, Style) {
        if let idle = Estimator.stall(p, in: job, now: now) { return ("stalled " + stallTime(idle), theme.warn) }
        return (label + Format.duration(state.phaseETA(p, of: job, now: now)), theme.text)
    }
}
