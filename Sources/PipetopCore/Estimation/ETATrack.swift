/// The estimate a job shows, kept steady, and the record that calibrates later runs.
///
/// The shown estimate moves only when the new one differs materially (its finish time by more
/// than `materialChange` of the time left), or when the job stalls, pauses or resumes, so the
/// screen does not jitter; between moves it counts down.
public struct ETATrack: Sendable, Codable, Equatable {
    /// What viewers show (nil until something can be said).
    public var shown: Estimate?
    /// When the estimate was last worked out (wall time).
    public var refreshedAt: Double
    /// The raw estimate when the run was first 10%, 20%... 90% through (by time): compared
    /// with what really happened when the run completes (`RunSummary.etaErrors`).
    public var marks: [Mark?]
    /// How much fresh estimates move between refreshes (a share of the time left, smoothed):
    /// changes within a few times this are noise, not news.
    public var wobble: Double?
    var lastFinish: Double?
    /// The phase running when the baseline was taken, and the finish then predicted: how far
    /// the estimate has slipped since the phase began (`slip`).
    var baselinePhase: String?
    var baselineFinish: Double?
    var baselineAt: Double?

    /// How much later (%) the finish is now estimated than when the running phase began,
    /// relative to the time that was then left.
    public var slip: Double? {
        guard let f = shown?.finish, let b = baselineFinish, let at = baselineAt else { return nil }
        return max(0, f - b) / max(60, b - at) * 100
    }

    public struct Mark: Sendable, Codable, Equatable {
        /// Active seconds into the run, and the seconds it then predicted were left.
        public var elapsed: Double
        public var predicted: Double
    }

    /// The shown finish moves when a fresh one differs by more than this share of the time
    /// left; less for a steady estimate (three times its wobble, at least 0.5%).
    public static let materialChange = 0.10
    /// How often an estimate is worked out while events arrive (seconds).
    public static let refreshEvery = 1.0

    public init(at t: Double) {
        refreshedAt = t
        marks = Array(repeating: nil, count: 9)
    }

    /// Takes a fresh estimate: notes progress marks, and replaces the shown one when the
    /// change matters.
    mutating func update(_ fresh: Estimate?, worked: Double, phase: String?, at t: Double) {
        refreshedAt = t
        guard let fresh else { shown = nil; return }
        if phase != baselinePhase, fresh.complete {
            baselinePhase = phase
            baselineFinish = fresh.finish
            baselineAt = t
        }
        if fresh.complete && !fresh.paused {
            let progress = worked / max(1e-9, worked + fresh.raw)
            // Only the tenth just reached: one first known at 50% says nothing about 10%.
            let d = Int((progress * 10).rounded(.down)) - 1
            if d >= 0 && d < 9 && marks[d] == nil && (d == 8 || progress < Double(d + 2) / 10) {
                marks[d] = Mark(elapsed: worked, predicted: fresh.raw)
            }
        }
        if let lastFinish {
            let step = min(1, abs(fresh.finish - lastFinish) / max(fresh.remaining, 1))
            wobble = (wobble ?? step) * 0.9 + step * 0.1
        }
        lastFinish = fresh.finish
        guard let old = shown else { shown = fresh; return }
        let threshold = min(Self.materialChange, max(0.005, 3 * (wobble ?? Self.materialChange)))
        // The range too: one made when little was known stays as wide as it was while it
        // counts down (a job steady for a minute read `≈39s 0s–2m24s`, its first second's
        // range), so it is replaced when either end is a tenth of the time left off.
        let held = old.left(now: t)
        // (Or a quarter of the fresh range's width, when that is less: a steady run's range
        // narrows as it goes, and one held at a tenth of the time left was far too wide to
        // be honest: warm-up runs' ranges held the truth 98% of the time. docs/ETA.md.)
        let rangeTolerance = min(Self.materialChange * max(fresh.remaining, 1), max(1, 0.25 * (fresh.hi - fresh.lo)))
        let rangeMoved = abs(fresh.lo - held.lo) > rangeTolerance || abs(fresh.hi - held.hi) > rangeTolerance
        let material = abs(fresh.finish - old.finish) > threshold * max(fresh.remaining, 1)
        let kindChanged = (old.stalledFor == nil) != (fresh.stalledFor == nil) || old.paused != fresh.paused
            || old.complete != fresh.complete || old.calibrated != fresh.calibrated
        if kindChanged || material && fresh.stalledFor == nil {
            shown = fresh
        } else if rangeMoved && fresh.stalledFor == nil {
            // Only the range is news: the shown finish stays (moving it too would be a jump
            // the estimate did not call for: seed 42's jumpiness 1.471 -> 1.501 when it did).
            let gone = max(0, t - old.at)
            shown?.lo = min(old.remaining, fresh.lo + gone)
            shown?.hi = max(old.remaining, fresh.hi + gone)
        } else if fresh.stalledFor != nil {
            // Stalled: keep the work left as it was when progress stopped (how long an
            // outage lasts cannot be known); only the stall's length counts up.
            shown?.stalledFor = fresh.stalledFor
        }
    }
}
