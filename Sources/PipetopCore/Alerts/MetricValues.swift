import Foundation

/// The value of a rule's metric for one subject now (nil: nothing to measure).
enum MetricValues {
    static func host(_ m: RuleMetric, _ host: HostResources) -> Double? {
        guard case .hostMemory = m else { return nil }
        return host.last?.memPercent
    }

    /// `est`: the engine's memory of the job (rates, estimate, error trail), looked up once
    /// per job for all its rules.
    static func job(_ rule: Rule, _ job: Job, _ est: JobEstimates, host: HostResources, now: Double) -> Double? {
        switch rule.metric {
        case .jobRate:
            let rates = job.phases.compactMap { est.rate(of: $0, in: job, now: now) }
            return rates.isEmpty ? nil : rates.reduce(0, +)
        case .errors:
            return Double(job.errorCount + job.phases.reduce(0) { $0 + $1.failed })
        case .errorRate:
            return (est.errorTrail ?? ErrorTrail()).percent(window: rule.window, now: now, items: job.itemsWorked, errors: job.errorsSoFar)
        case .etaSlip:
            return est.eta?.slip
        case .cpu:
            return job.resources?.last?.cpuPercent
        case .rss:
            return job.resources?.last.map { Double($0.rss) }
        case .rssShare:
            // Of the host's memory, or of the job's cgroup limit when that is lower.
            guard let last = job.resources?.last else { return nil }
            let limits = [host.last?.memTotal, last.memoryLimit].compactMap { $0 }.filter { $0 > 0 }
            guard let limit = limits.min() else { return nil }
            return Double(last.rss) / Double(limit) * 100
        case .lost:
            return job.lostAt == nil ? 0 : 1
        case .jobElapsed:
            return max(0, now - job.startedAt)
        case .finishETA, .deadlineMargin:
            // On the engine's clock, as deadlines are (`now` is the job's own).
            let engineNow = now + (job.clockSkew ?? 0)
            if rule.metric == .finishETA { return DeadlineOutlook.expected(job, est, now: engineNow).finish }
            return DeadlineOutlook(job, est, now: engineNow)?.margin
        case .custom(let name):
            return job.metrics.last { $0.name == name && $0.phase == nil }?.value ?? job.metrics.last { $0.name == name }?.value
        default:
            return nil
        }
    }

    /// `w`: the phase's rate window, looked up once per phase for all its rules.
    /// `past`: the job's pipeline's past runs.
    static func phase(_ m: RuleMetric, _ p: Phase, _ w: RateWindow, job: Job, past: PastRuns, now: Double) -> Double? {
        switch m {
        case .phaseRate: return p.state == .running ? w.rate(now: job.activeTime(now)) : nil
        case .idle: return w.idle(now: job.activeTime(now))
        case .stalled: return Estimator.stall(p, w, in: job, now: now) ?? 0
        case .p95Share:
            let durations = past.phase(p.id).compactMap(\.workSeconds)
            guard durations.count >= 3, let p95 = percentile(durations, 95), p95 > 0, let e = p.activeElapsed(in: job, now: now) else { return nil }
            return e / p95 * 100
        case .phaseElapsed: return p.startedAt.map { max(0, now - $0) }
        case .custom(let name): return job.metrics.last { $0.name == name && $0.phase == p.id }?.value
        default: return nil
        }
    }

    /// A value as the alert message shows it.
    static func format(_ v: Double, _ m: RuleMetric) -> String {
        switch m {
        case .idle, .stalled, .jobElapsed, .phaseElapsed, .deadlineMargin: return v < 0 ? "-" + Format.duration(-v) : Format.duration(v)
        case .finishETA: return Format.clock(v)
        case .rss: return Format.bytes(Int(v))
        case .errorRate, .etaSlip, .p95Share, .cpu, .rssShare, .hostMemory: return String(format: "%.0f%%", v)
        case .phaseRate, .jobRate: return Format.rate(v)
        default: return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.3g", v)
        }
    }
}
