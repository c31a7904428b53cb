/// How a job's or phase's estimate reads, in every viewer: the dashboard's columns and
/// header, `report`'s text. The marks differ by terminal (`≥` or `>=`), the words do not.
public enum ETAWording {
    /// Which form: a column of the job list, with the range, or the job screen's header.
    public enum Form: Sendable { case short, withRange, full }

    /// What the text says, for the viewer to style it.
    public enum Kind: Sendable, Equatable { case done, failed, canceled, paused, waiting, stalled, unknown, estimate }

    /// The marks a terminal can show.
    public struct Marks: Sendable, Equatable {
        public var atLeast: String
        public var rough: String
        public var rangeDash: String
        public init(atLeast: String, rough: String, rangeDash: String) { self.atLeast = atLeast; self.rough = rough; self.rangeDash = rangeDash }
        public static let plain = Marks(atLeast: ">=", rough: "~", rangeDash: "-")
    }

    /// "12m", "≈12m" (rough range), "≥12m" (phases ahead unknown), "stalled 3m", "paused",
    /// "waiting 4m" (queued, not started),
    /// or how the job ended; longer forms add the 80% range and the clock time of completion.
    /// `now`: the engine's clock (the board's time, counted on by the viewer).
    public static func job(_ j: BoardJob, now: Double, form: Form, label: String = "", marks: Marks) -> (String, Kind) {
        switch j.state {
        case .completed: return ("done", .done)
        case .failed: return ("failed", .failed)
        case .canceled: return ("canceled", .canceled)
        case .paused: return ("paused", .paused)
        case .pending: return ("waiting " + stallTime(j.waited(at: now) ?? 0), .waiting)
        default: break
        }
        if j.isLost { return ("lost", .failed) }
        if let idle = j.stalled(at: now) { return ("stalled " + stallTime(idle), .stalled) }
        guard let e = j.eta else { return ("-", .unknown) }
        let left = e.left(at: now)
        // "at least 0s" says nothing: unknown.
        if e.confidence == .lowerBound && left.remaining < 0.5 { return ("-", .unknown) }
        let mark = e.confidence == .lowerBound ? marks.atLeast : e.confidence == .rough ? marks.rough : ""
        var text = label + mark + Format.duration(left.remaining)
        if form != .short && e.confidence != .lowerBound {
            text += " " + Format.duration(left.low) + marks.rangeDash + Format.duration(left.high)
        }
        if form == .full {
            text += " @" + Format.finish(now + left.remaining, now: now)
            switch e.confidence {
            case .calibrated: text += " (80%)"
            case .rough: text += " (rough)"
            case .lowerBound: text += " (lower bound)"
            }
        }
        return (text, .estimate)
    }

    /// A running phase: "ETA 4m" (with `label`), or "stalled 2m"; "" when nothing can be said.
    public static func phase(_ p: BoardPhase, now: Double, label: String = "") -> (String, Kind) {
        if let idle = p.stalled(at: now) { return ("stalled " + stallTime(idle), .stalled) }
        guard let eta = p.eta(at: now) else { return ("", .unknown) }
        return (label + Format.duration(eta), .estimate)
    }

    /// The sentence `report` prints after a job's elapsed time: ", ETA 12m (8m-15m, 80%), done
    /// about 14:32", ", stalled 3m", ", paused"; "" when there is none.
    public static func sentence(_ j: BoardJob, now: Double) -> String {
        guard !j.state.isTerminal else { return "" }
        if j.state == .paused { return ", paused" }
        if j.state == .pending { return ", waiting to run for \(Format.duration(j.waited(at: now) ?? 0))" }
        if j.isLost { return "" }  // the state says lost, the error why
        if let idle = j.stalled(at: now) { return ", stalled \(Format.duration(idle))" }
        guard let e = j.eta else { return "" }
        let left = e.left(at: now)
        if e.confidence == .lowerBound && left.remaining < 0.5 { return "" }
        guard e.confidence != .lowerBound else { return ", ETA at least \(Format.duration(left.remaining)) (phases ahead unknown)" }
        return ", ETA \(Format.duration(left.remaining)) (\(Format.duration(left.low))-\(Format.duration(left.high)), "
            + (e.confidence == .calibrated ? "80%" : "rough") + "), done about \(Format.finish(now + left.remaining, now: now))"
    }

    /// How long a stall has lasted, short enough for the ETA column ("3m12s", "28m", "2h05m").
    public static func stallTime(_ s: Double) -> String {
        s >= 600 && s < 3600 ? "\(Int(s / 60))m" : Format.duration(s)
    }
}
