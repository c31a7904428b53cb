import Foundation

/// How long a job has left, with an honest range. docs/ETA.md explains the method and the
/// benchmark that holds it to account; in short:
///
/// - **Live**: what remains of a phase divided by its rate over a look-back about as long as
///   the time left (at least 30 s, and several of the phase's usual gaps between updates),
///   cut at the latest clear change of rate, and ending *now* so a stall counts.
/// - **History**: how long each past run of the pipeline took from this point of the phase
///   to its end (its progress curve), scaled by how fast this run covered the same stretch.
/// - The two are blended by how much each deserves trust (the live look-back against the time
///   ahead; the number of past runs and how well they agree). Phases ahead come from history
///   scaled by this run's pace, else from their totals at the rates seen.
/// - Where the look-back did worse than the phase's average on its own past and on earlier
///   runs' (`Backtest`), it leans to the average; a rate that cycles (`Cycle`) is worked out
///   over whole cycles, as far as it clearly cycles; history's scaling by this run's pace counts as far as it helped on
///   the past runs (`PaceCheck`).
/// - The range (80%) comes from the errors the raw estimate made on earlier runs at the same
///   point of progress, which also correct its bias; with fewer than three such runs, or
///   where this run misfits beyond what those runs showed, it comes from the model's own
///   uncertainty and is marked rough.
///
/// All functions are pure: state and time in, estimate out.
public enum Estimator {
    /// Past runs used (the newest).
    public static let runsUsed = 30
    /// Runs with recorded errors needed before the range counts as calibrated.
    public static let calibrationRuns = 3
    static let z80 = 1.2816
    /// Newest runs whose errors calibrate the range (older ones were made with less history).
    static let calibrationDepth = 8
    /// The smallest spread of a calibrated range (standard deviation of the log).
    static let calibratedFloor = 0.006
    /// A clear change of rate: the recent stretch is this many times faster or slower.
    static let changeRatio = 1.8

    /// A part of the estimate: seconds and the variance of their logarithm.
    struct Part {
        var seconds: Double
        var logVar: Double
        /// How badly the live look-back predicted this phase's own past (`Backtest`): a
        /// range calibrated on earlier runs is widened by it.
        var misfit: Double = 0
        /// The part of it earlier runs did not show (`Backtest.unforeseen`).
        var unforeseen: Double = 0
    }

    // MARK: Live rate

    /// A phase's current rate and the stretch it was measured over.
    public struct LiveRate: Sendable, Equatable {
        public var rate: Double
        /// Active seconds the rate was measured over (ending now).
        public var seconds: Double
        /// Items processed in that stretch.
        public var items: Double
        /// Variance of the rate's logarithm, from how much the phase's pace wobbles.
        public var logVar: Double
    }

    /// The shortest look-back for a phase: 30 s, or four of its longest recent waits, so that
    /// bursty work (rate limits, batches) is seen over several of its cycles.
    static func minimumWindow(_ w: RateWindow) -> Double { max(RateWindow.window, 4 * w.expectedGap) }

    /// The rate that says most about the time left, measured up to `now` (active time).
    ///
    /// The stretch since the last clear change of rate (or the phase start) is one regime;
    /// within it the rate over a look-back as long as the time left is compared with the
    /// regime's average: when they differ by more than the phase's own noise explains, the
    /// recent one wins (drift), else the average does (more data, less noise).
    public static func liveRate(_ w: RateWindow, now: Double, remainingItems: Int?) -> LiveRate? {
        guard let first = w.first, let newest = w.last, newest.n > first.n else { return nil }
        let end = max(w.clock(now), newest.t)
        let span = end - first.t
        guard span > 0 else { return nil }
        let minW = min(span, minimumWindow(w))
        let nEnd = Double(newest.n)
        func rate(from t: Double) -> Double { (nEnd - w.count(at: t)) / max(1e-9, end - t) }
        let noise = Noise(w, from: first.t, to: end, minWindow: minW)

        // The regime: cut at the most significant change of rate, if there is one. A change
        // is seen in the progress made, up to the last item: a gap still open counts in the
        // rate (it ends now) but does not start a regime of its own, or every pause longer than
        // the usual gaps (a validation pass, a slow request) would read as a new, slow pace
        // until it closed (then a stall, past its threshold). (Issue 22's sixth round: a first
        // training run's jumpiness 7.5 → 1.5, outage 0.87 → 0.70.)
        let cutEnd = min(end, max(first.t, w.lastIncrease ?? end))
        var base = first.t
        var best = 0.0
        for s in w.samples where s.t > first.t + minW / 2 && cutEnd - s.t >= minW {
            let n1 = Double(s.n - first.n), n2 = nEnd - Double(s.n)
            guard n1 > 0, n2 > 0 else { continue }
            let t1 = s.t - first.t, t2 = cutEnd - s.t
            let ratio = abs(log((n2 / t2) / (n1 / t1)))
            guard ratio > log(changeRatio) else { continue }
            let z = ratio / (noise.logSD(over: t1) * noise.logSD(over: t1) + noise.logSD(over: t2) * noise.logSD(over: t2)).squareRoot()
            if z > 3 && z > best { best = z; base = s.t }
        }
        let regime = end - base

        // Look back about as far as there is left to go.
        var lookBack = regime
        if let rem = remainingItems {
            var r = rate(from: base)
            for _ in 0..<3 {
                guard r > 0 else { break }
                lookBack = min(regime, max(minW, Double(rem) / r))
                r = rate(from: end - lookBack)
            }
        }
        let long = rate(from: base), recent = rate(from: end - lookBack)
        guard long > 0 else { return LiveRate(rate: 0, seconds: regime, items: 0, logVar: 1) }
        guard recent > 0 else { return LiveRate(rate: recent, seconds: lookBack, items: 0, logVar: 1) }
        let sdLong = noise.logSD(over: regime), sdRecent = noise.logSD(over: lookBack)
        let z = abs(log(recent / long)) / max(1e-6, (sdLong * sdLong + sdRecent * sdRecent).squareRoot())
        let trustRecent = min(1, max(0, (z - 1.5) / 1.5))
        let chosen = exp(trustRecent * log(recent) + (1 - trustRecent) * log(long))
        let seconds = trustRecent * lookBack + (1 - trustRecent) * regime
        let sd = trustRecent * sdRecent + (1 - trustRecent) * sdLong
        return LiveRate(rate: chosen, seconds: seconds, items: nEnd - w.count(at: end - seconds), logVar: sd * sd)
    }

    /// How much a phase's rate wobbles: from the rates of equal slices of its history, the
    /// typical change between neighbouring slices.
    struct Noise {
        var slice: Double
        var relativeSD: Double

        init(_ w: RateWindow, from a: Double, to b: Double, minWindow: Double) {
            let k = Int(min(16, max(4, (b - a) / max(5, minWindow / 2))))
            slice = (b - a) / Double(k)
            var rates: [Double] = []
            for i in 0..<k {
                let s = a + Double(i) * slice
                rates.append((w.count(at: s + slice) - w.count(at: s)) / slice)
            }
            let mean = rates.reduce(0, +) / Double(k)
            // Differences of neighbours: a single real change of pace barely counts.
            let steps = zip(rates, rates.dropFirst()).map { ($1 - $0) * ($1 - $0) }
            let sd = (steps.reduce(0, +) / Double(max(1, steps.count)) / 2).squareRoot()
            relativeSD = mean > 0 ? max(0.02, sd / mean) : 1
        }

        /// SD of the log of a rate measured over `seconds`.
        func logSD(over seconds: Double) -> Double { relativeSD * (slice / max(slice, seconds)).squareRoot() }
    }

    // MARK: Stall

    /// Seconds since a running phase last moved, when that is longer than its recent gaps
    /// warrant (five times the longest of them, at least 30 s); nil when it is not stalled,
    /// has not moved yet, or the job is paused.
    public static func stall(_ p: Phase, _ w: RateWindow, in job: Job, now: Double) -> Double? {
        guard p.state == .running, job.state.isActive, let idle = w.idle(now: job.activeTime(now)) else { return nil }
        return idle >= RateWindow.stallThreshold(w.expectedGap) ? idle : nil
    }

    /// A job is stalled when every running phase that reports progress is: the shortest of
    /// their idle times.
    public static func stall(_ job: Job, _ est: JobEstimates, now: Double) -> Double? {
        var shortest: Double?
        for p in job.phases where p.state == .running {
            let w = est.rate(p.id)
            guard w.lastIncrease != nil else { continue }
            guard let idle = stall(p, w, in: job, now: now) else { return nil }
            shortest = min(shortest ?? idle, idle)
        }
        return shortest
    }

    // MARK: Phases

    /// This run's pace against history: the median ratio of its finished phases' working
    /// times to their usual ones (1 when there is nothing to compare).
    static func pace(_ job: Job, past: PastRuns, now: Double) -> Double {
        var ratios: [Double] = []
        for p in job.phases where p.state == .done {
            guard let mine = p.activeElapsed(in: job, now: now), mine > 0,
                  let usual = median(past.phase(p.id).compactMap(\.workSeconds)), usual > 0 else { continue }
            ratios.append(log(mine / usual))
        }
        return exp(median(ratios) ?? 0)
    }

    /// Time left in a running phase, or nil when neither its rate nor history can say.
    static func running(_ p: Phase, _ w: RateWindow, in job: Job, past: PastRuns, pace: Double, now: Double) -> Part? {
        // In a stall, the work left at the pace before it (how long a stall lasts cannot be
        // known; the shown estimate stands still until work resumes).
        let a = stall(p, w, in: job, now: now) != nil ? w.lastIncreaseActive ?? job.activeTime(now) : job.activeTime(now)
        let elapsed = p.activeElapsed(in: job, now: now) ?? 0
        let remainingItems = p.remaining
        if remainingItems == 0 { return Part(seconds: 0, logVar: 0) }
        let live = liveRate(w, now: a, remainingItems: remainingItems)

        // Where the look-back did worse than the phase's average on its own past (a cycling
        // or bursty rate), lean towards the average and widen the range.
        var backtest: Backtest?
        let end = max(w.clock(a), w.last?.t ?? 0)
        if let rem = remainingItems, let live, live.rate > 0 {
            backtest = Backtest(w, end: end, lookBack: live.seconds, horizon: Double(rem) / live.rate,
                                curves: past.phase(p.id).compactMap(\.curve))
        }
        // A rate that cycles, with a period and a half behind: the time left over whole cycles,
        // blended with the live rate's guess by how clearly it cycles.
        let cycle = remainingItems != nil && live != nil ? Cycle(w, end: end) : nil
        var cycleGuess: Part?, plainGuess: Part?
        if let rem = remainingItems, let cycle {
            let seconds = cycle.seconds(for: Double(rem), w)
            let v = cycle.logVar(seconds)
            // A cycle past runs did not show (their rate held still for the backtest) is a
            // shape their errors do not carry.
            let unforeseen = max(backtest?.unforeseen ?? 0, backtest?.earlierVar.map { v - $0 } ?? 0)
            cycleGuess = Part(seconds: seconds, logVar: 0.005 + v, misfit: v, unforeseen: unforeseen)
        }
        if let rem = remainingItems, let live, live.rate > 0 {
            var rate = live.rate, misfit = 0.0, unforeseen = 0.0
            if let bt = backtest, let first = w.first, let newest = w.last, end > first.t, newest.n > first.n {
                let average = Double(newest.n - first.n) / (end - first.t)
                rate = exp(bt.liveWeight * log(live.rate) + (1 - bt.liveWeight) * log(average))
                misfit = bt.blendVar
                unforeseen = bt.unforeseen
            }
            let seconds = Double(rem) / rate
            // Trust falls as the look-back gets short against the time ahead.
            let reach = min(20, max(1, seconds / max(1, live.seconds)))
            plainGuess = Part(seconds: seconds, logVar: live.logVar + 0.005 + 0.015 * (reach - 1) + 1 / max(4, live.items) / 4 + misfit,
                              misfit: misfit, unforeseen: unforeseen)
        }
        // How far the cycle's guess counts: from none at the likeness that finds a cycle to all
        // at `Cycle.fullStrength`, so a cycle coming and going between refreshes (a validation
        // pause, a quiet stretch) moves the estimate by degrees, not by a switch.
        let cycleWeight = cycle.map { plainGuess == nil ? 1 : $0.weight } ?? 0
        var liveGuess: Part?
        if let cyc = cycleGuess, let plain = plainGuess, cycleWeight < 1 {
            let k = cycleWeight
            liveGuess = Part(seconds: exp(k * log(max(cyc.seconds, 0.5)) + (1 - k) * log(max(plain.seconds, 0.5))),
                             logVar: k * cyc.logVar + (1 - k) * plain.logVar, misfit: k * cyc.misfit + (1 - k) * plain.misfit,
                             unforeseen: k * cyc.unforeseen + (1 - k) * plain.unforeseen)
        } else {
            liveGuess = cycleGuess ?? plainGuess
        }

        var guesses: [Double] = []
        let f = p.fraction
        // Whether this run's pace says how fast it is, asked of the past runs (`PaceCheck`).
        var paceCheck: PaceCheck?
        if let f, let tot = p.effectiveTotal, tot > 0, let first = w.first {
            paceCheck = PaceCheck(past.phase(p.id).compactMap(\.curve), from: Double(first.n) / Double(tot), to: f)
        }
        for ps in past.phase(p.id) {
            guard let total = ps.workSeconds else { continue }
            if let curve = ps.curve, curve.count == 21, let f, let tot = p.effectiveTotal, tot > 0 {
                let at = interpolate(curve, f)
                var scale = pace
                if let live {
                    let fw = max(0, f - live.items / Double(tot))
                    let span = at - interpolate(curve, fw)
                    if span > 0.5, f - fw > 0.002 {
                        let trust = min(1, (f - fw) / 0.1)
                        scale = pow(live.seconds / span, trust) * pow(pace, 1 - trust)
                    }
                }
                // The same lean for history's scale: this run's whole phase so far against
                // the past run's time for the same stretch.
                // With a cycle seen, towards the whole phase alone (the look-back saw part of a cycle).
                if let first = w.first, let bw = backtest?.liveWeight ?? (cycleWeight > 0 ? 0 : nil), end > first.t {
                    let weight = (1 - cycleWeight) * bw
                    let pastSpan = at - interpolate(curve, Double(first.n) / Double(tot))
                    if pastSpan > 0.5 {
                        let whole = (end - first.t) / pastSpan
                        scale = exp(weight * log(scale) + (1 - weight) * log(whole))
                    }
                }
                if let pc = paceCheck { scale = pow(scale, pc.weight) * pow(pace, 1 - pc.weight) }
                guesses.append(max(0, total - at) * scale)
            } else if live == nil {
                // No curve to place this run on: only worth something while nothing else is.
                guesses.append(max(0, total * pace - elapsed))
            }
        }
        var historyGuess: Part?
        if let mid = median(guesses) {
            let spread = logSpread(guesses, around: mid)
            // Scaled by this run's recent pace, the guesses share its noise too.
            historyGuess = Part(seconds: mid, logVar: spread * spread + 0.01 + 0.09 / Double(guesses.count) + (live?.logVar ?? 0))
        }
        guard var part = blend(liveGuess, historyGuess) else { return nil }
        // The misfit counts as far as the live guess does in the blend. (By that share squared,
        // as a variance would, and half of it in a calibrated range, seed 42's too wide kinds
        // came in but held-out seed 7's stragglers, resumed and transfer went too narrow:
        // docs/ETA.md.)
        if let liveGuess {
            part.misfit = liveGuess.misfit * part.logVar / liveGuess.logVar
            part.unforeseen = liveGuess.unforeseen * part.logVar / liveGuess.logVar
        }
        return part
    }

    /// Time a phase not yet started will take: its usual working time scaled by this run's
    /// pace, else its total at the rate this run has shown on items of the same unit.
    static func ahead(_ p: Phase, in job: Job, past: PastRuns, pace: Double, now: Double) -> Part? {
        let durations = past.phase(p.id).compactMap(\.workSeconds)
        if let mid = median(durations) {
            let spread = logSpread(durations, around: mid)
            return Part(seconds: mid * pace, logVar: spread * spread + 0.02 + 0.09 / Double(durations.count))
        }
        guard let total = p.total else { return nil }
        var items = 0.0, seconds = 0.0
        for q in job.phases where q.id != p.id && q.unit == p.unit && q.state != .pending {
            guard let s = q.activeElapsed(in: job, now: now), s > 0 else { continue }
            items += Double(q.done + q.failed)
            seconds += s
        }
        guard items > 0 else { return nil }
        return Part(seconds: Double(total) / (items / seconds), logVar: 0.5)
    }

    // MARK: The job

    /// The estimate for a job at `now`, before the shown value's hysteresis (see `ETATrack`).
    public static func job(_ job: Job, _ est: JobEstimates, past: PastRuns, now: Double) -> Estimate? {
        guard !job.state.isTerminal else { return nil }
        let pace = pace(job, past: past, now: now)
        var parts: [Part] = []
        var runningParts: [String: Double] = [:]
        var complete = true
        for p in job.phases {
            let part: Part?
            switch p.state {
            case .running:
                part = running(p, est.rate(p.id), in: job, past: past, pace: pace, now: now)
                runningParts[p.id] = part?.seconds
            case .pending: part = ahead(p, in: job, past: past, pace: pace, now: now)
            default: continue
            }
            if let part { parts.append(part) } else { complete = false }
        }
        guard !parts.isEmpty else { return nil }
        let raw = parts.reduce(0) { $0 + $1.seconds }
        // Variance of the sum's logarithm, each part weighted by its share.
        let modelVar = raw > 0 ? parts.reduce(0) { $0 + $1.seconds * $1.seconds * $1.logVar } / (raw * raw) : 0
        let misfit = raw > 0 ? parts.reduce(0) { $0 + $1.seconds * $1.seconds * $1.misfit } / (raw * raw) : 0
        let unforeseen = raw > 0 ? parts.reduce(0) { $0 + $1.seconds * $1.seconds * $1.unforeseen } / (raw * raw) : 0

        let worked = job.activeElapsed(now: now)
        let progress = raw + worked > 0 ? worked / (raw + worked) : 0
        var remaining = raw, sigma = max(0.05, modelVar.squareRoot()), calibrated = false
        let (errors, runs) = pastErrors(past, progress: progress)
        // Before a twentieth of the way nothing of this run is known yet: earlier runs' errors
        // (made with their own rates measured) would claim too much.
        if progress >= 0.05 && runs >= calibrationRuns, let mid = median(errors) {
            // Robust: one run that went badly must not set the range of all that follow.
            let n = Double(errors.count)
            // The floor is 0.6%: where the past errors were smaller (a steady rate) a 2% floor
            // made the range hold the truth every time and, through the shrink below, left a
            // real bias uncorrected (constant rate 1.10x the overall average; 1.08x at 1%); at
            // 1% a steady rate's range still held the truth 97% of the time, 87% at 0.6%.
            // The 80% quantile of the errors' distance from their median, read as a standard
            // deviation: their median distance (MAD) understated heavy-tailed errors' spread.
            let deviations = errors.map { abs($0 - mid) }.sorted()
            let level = min(1, 0.8 * (n + 1) / n)
            let sd = max(calibratedFloor, quantile(deviations, level) / z80)
            // Correct the bias only as far as the errors show one beyond chance (shrunk toward
            // none, James–Stein style), and then only half of it: part of a past run's error
            // came from its own situation (where it stood in a rate-limit cycle, say), which
            // this run does not share. (Half is what the ETA benchmark favours; docs/ETA.md.)
            let shrink = mid == 0 ? 0 : max(0, 1 - sd * sd / n / (mid * mid))
            remaining = raw * exp(-0.5 * mid * shrink)
            let calibration = pow(sd * studentFactor(errors.count), 2)
            if unforeseen > calibration {
                // This run misfits beyond what its past runs' errors carry (a shape they did
                // not show): a range built on them would claim too much. Rough, and wide.
                sigma = max(sigma, (calibration + misfit).squareRoot())
            } else {
                // Past runs' errors alone: they already carry how badly the live model fits
                // runs of this shape. (Widening by a share of this run's misfit too held a
                // warm-up run's range, 2% off at most, at +-9%: 98% coverage. docs/ETA.md.)
                sigma = calibration.squareRoot()
                calibrated = true
            }
        }
        let spread = exp(z80 * sigma)
        return Estimate(at: now, remaining: remaining, lo: remaining / spread, hi: remaining * spread, raw: raw,
                        complete: complete, calibrated: calibrated, stalledFor: stall(job, est, now: now),
                        paused: job.state == .paused, phaseSeconds: runningParts.isEmpty ? nil : runningParts)
    }

    /// Combines two guesses weighted by their certainty (in log space).
    static func blend(_ a: Part?, _ b: Part?) -> Part? {
        guard let a else { return b }
        guard let b else { return a }
        let wa = 1 / a.logVar, wb = 1 / b.logVar
        let l = (wa * log(max(a.seconds, 0.5)) + wb * log(max(b.seconds, 0.5))) / (wa + wb)
        return Part(seconds: exp(l), logVar: 1 / (wa + wb))
    }
}

/// What `Estimator.job` says at one moment.
public struct Estimate: Sendable, Codable, Equatable {
    /// When it was made (wall time).
    public var at: Double
    /// Seconds left from `at`, and the 80% range around it.
    public var remaining: Double
    public var lo: Double
    public var hi: Double
    /// The model's figure before calibration (what later runs are calibrated on).
    public var raw: Double
    /// False when some phase ahead could not be estimated: the job takes at least this long.
    public var complete: Bool
    /// False when too few earlier runs exist to calibrate the range: it is a rough one.
    public var calibrated: Bool
    /// Seconds without progress, when that is longer than the job's gaps warrant.
    public var stalledFor: Double?
    public var paused: Bool
    /// Each running phase's raw seconds left (a share of `raw`): a phase's own ETA is its share
    /// of this estimate, so a phase never reads longer than its job, nor a one-phase job's
    /// phase other than the job (`phaseLeft`).
    public var phaseSeconds: [String: Double]? = nil

    public var finish: Double { at + remaining }

    /// Seconds left in running phase `id` at `now`: its share of the (calibrated) time left
    /// when this estimate was made, counted down as the job's is; nil when it had no part.
    public func phaseLeft(_ id: String, now: Double) -> Double? {
        guard let part = phaseSeconds?[id], raw > 0 else { return nil }
        let gone = paused || stalledFor != nil ? 0 : max(0, now - at)
        return max(0, min(1, part / raw) * remaining - gone)
    }

    /// Seconds left (and range) at a later moment `now`: counted down from when it was made,
    /// but it stands still while the job is paused or stalled (no work, no progress).
    public func left(now: Double) -> (eta: Double, lo: Double, hi: Double) {
        let gone = paused || stalledFor != nil ? 0 : max(0, now - at)
        return (max(0, remaining - gone), max(0, lo - gone), max(0, hi - gone))
    }
}

/// The value of a piecewise-linear curve sampled at 0, 1/(n-1), ... 1.
func interpolate(_ curve: [Double], _ f: Double) -> Double {
    let x = min(1, max(0, f)) * Double(curve.count - 1)
    let i = min(curve.count - 2, Int(x))
    return curve[i] + (curve[i + 1] - curve[i]) * (x - Double(i))
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Robust spread of the values' logarithms (MAD scaled to a standard deviation).
func logSpread(_ values: [Double], around mid: Double) -> Double {
    guard values.count > 1 else { return 0 }
    let lm = log(max(mid, 0.5))
    return 1.4826 * (median(values.map { abs(log(max($0, 0.5)) - lm) }) ?? 0)
}
