import Foundation

/// The value of a rule's metric for one subject now (nil: nothing to measure).
enum MetricValues {
    static func host(_ m: RuleMetric, _ s: PipelineState) -> Double? {
        guard case .hostMemory = m else { return nil }
        return s.host.last?.memPercent
    }

    static func job(_ rule: Rule, _ job: Job, state: PipelineState, now: Double) -> Double? {
        switch rule.metric {
        case .jobRate:
            let rates = job.phases.compactMap { job.rate(of: $0, now: now) }
            return rates.isEmpty ? nil : rates.reduce(0, +)
        case .errors:
            return Double(job.errorCount + job.phases.reduce(0) { $0 + $1.failed })
        case .errorRate:
            return (job.errorTrail ?? ErrorTrail()).percent(window: rule.window, now: now, items: job.itemsWorked, errors: job.errorsSoFar)
        case .etaSlip:
            return job.eta?.slip
        case .cpu:
            return job.resources?.last?.cpuPercent
        case .rss:
            return job.resources?.last.map { Double($0.rss) }
        case .rssShare:
            // Of the host's memory, or of the job's cgroup limit when that is lower.
            guard let last = job.resources?.last else { return nil }
            let limits = [state.host.last?.memTotal, last.memoryLimit].compactMap { $0 }.filter { $0 > 0 }
            guard let limit = limits.min() else { return nil }
            return Double(last.rss) / Double(limit) * 100
        case .lost:
            return job.lostAt == nil ? 0 : 1
        case .custom(let name):
            return job.metrics.last { $0.name == name && $0.phase == nil }?.value ?? job.metrics.last { $0.name == name }?.value
        default:
            return nil
        }
    }

    static func phase(_ m: RuleMetric, _ p: Phase, job: Job, state: PipelineState, now: Double) -> Double? {
        switch m {
        case .phaseRate: return job.rate(of: p, now: now)
        case .idle: return p.rate.idle(now: job.activeTime(now))
        case .stalled: return Estimator.stall(p, in: job, now: now) ?? 0
        case .p95Share:
            let past = state.pastRuns(pipeline: RunSummary.pipeline(of: job)).phase(p.id).compactMap(\.workSeconds)
            guard past.count >= 3, let p95 = percentile(past, 95), p95 > 0, let e = p.activeElapsed(in: job, now: now) else { return nil }
            return e / p95 * 100
        case .custom(let name): return job.metrics.last { $0.name == name && $0.phase == p.id }?.value
        default: return nil
        }
    }

    /// A value as the alert message shows it.
    static func format(_ v: Double, _ m: RuleMetric) -> String {
        switch m {
        case .idle, .stalled: return Format.duration(v)
        case .rss: return Format.bytes(Int(v))
        case .errorRate, .etaSlip, .p95Share, .cpu, .rssShare, .hostMemory: return String(format: "%.0f%%", v)
        case .phaseRate, .jobRate: return Format.rate(v)
        default: return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.3g", v)
        }
    }
}

/// A job's items and errors over the last minutes, a mark at most every `spacing` seconds,
/// for error rates over a window.
public struct ErrorTrail: Sendable, Codable, Equatable {
    public struct Mark: Sendable, Codable, Equatable {
        public var t: Double
        /// Items done or failed, and errors (failed items plus error log lines), so far.
        public var items: Int
        public var errors: Int
    }
    public private(set) var marks: [Mark] = []
    static let spacing = 5.0
    static let kept = 360  // 30 minutes at 5 s

    public init() {}

    /// Whether a new mark is due at `t` (marks are `spacing` apart; the newest figures are
    /// read from the job when the rate is wanted, so events in between cost nothing).
    func isDue(at t: Double) -> Bool { marks.last.map { t - $0.t >= Self.spacing } ?? true }

    mutating func note(items: Int, errors: Int, at t: Double) {
        if let l = marks.last, l.items == items, l.errors == errors { return }
        marks.append(Mark(t: t, items: items, errors: errors))
        if marks.count > Self.kept { marks.removeFirst(marks.count - Self.kept) }
    }

    /// Errors per item (%) over the last `window` seconds, up to the job's figures now;
    /// 0 for fewer than three errors.
    func percent(window: Double, now: Double, items nowItems: Int, errors nowErrors: Int) -> Double {
        guard let first = marks.first else { return 0 }
        let base = marks.last { $0.t <= now - window } ?? first
        let errors = nowErrors - base.errors, items = nowItems - base.items
        guard errors >= 3 else { return 0 }
        return min(100, Double(errors) / Double(max(1, items)) * 100)
    }
}

extension Job {
    /// Items worked on (done or failed) in all phases.
    var itemsWorked: Int { phases.reduce(0) { $0 &+ $1.done &+ $1.failed } }
    /// Failed items plus error log lines.
    var errorsSoFar: Int { phases.reduce(0) { $0 &+ $1.failed } &+ errorCount }
}
