import PipetopCore

/// Statistics over a pipeline's finished runs (`pipetop history`): how many, how many
/// completed, and how long they took, per pipeline and per phase. Pure: runs in, figures out.
///
/// Durations are those of completed runs (and of phases that ended done): a run that failed
/// after a minute says nothing about how long the pipeline takes. Percentiles are nearest
/// rank, as everywhere in pipetop (`percentile`): p95 of 20 runs is the 19th shortest.
struct RunStatistics: Equatable {
    /// Durations in seconds: mean, extremes and percentiles; nil when there are none.
    struct Durations: Equatable {
        var count: Int
        var avg, min, max, p50, p95, p99: Double

        init?(_ values: [Double]) {
            guard !values.isEmpty else { return nil }
            count = values.count
            avg = values.reduce(0, +) / Double(values.count)
            min = values.min()!
            max = values.max()!
            p50 = percentile(values, 50)!
            p95 = percentile(values, 95)!
            p99 = percentile(values, 99)!
        }
    }

    struct PhaseStats: Equatable {
        var id: String
        var name: String
        /// Runs in which the phase ended (done, failed or skipped).
        var runs: Int
        var done: Int
        var failed: Int
        var skipped: Int
        /// done / (done + failed); nil when it never ran to an end.
        var successRate: Double? { done + failed == 0 ? nil : Double(done) / Double(done + failed) }
        /// Of the runs where it ended done.
        var durations: Durations?
        /// Its durations over those runs, oldest first (the sparkline).
        var series: [Double]
    }

    var pipeline: String
    var runs: [RunSummary]
    var completed: Int
    var failed: Int
    var canceled: Int
    /// completed / runs (nil: no runs).
    var successRate: Double? { runs.isEmpty ? nil : Double(completed) / Double(runs.count) }
    var durations: Durations?
    /// The completed runs' durations, oldest first.
    var series: [Double]
    var phases: [PhaseStats]

    /// `runs` oldest first, kept when they started within `since..<until` (either end open).
    init(pipeline: String, runs all: [RunSummary], since: Double? = nil, until: Double? = nil) {
        self.pipeline = pipeline
        runs = all.filter { r in (since.map { r.startedAt >= $0 } ?? true) && (until.map { r.startedAt < $0 } ?? true) }
            .sorted { $0.startedAt < $1.startedAt }
        completed = runs.filter { $0.status == .completed }.count
        failed = runs.filter { $0.status == .failed }.count
        canceled = runs.filter { $0.status == .canceled }.count
        series = runs.filter { $0.status == .completed }.map(\.duration)
        durations = Durations(series)
        // Phases in the order they first appear.
        var order: [String] = []
        var byID: [String: PhaseStats] = [:]
        for r in runs {
            for p in r.phases {
                if byID[p.id] == nil {
                    order.append(p.id)
                    byID[p.id] = PhaseStats(id: p.id, name: p.name, runs: 0, done: 0, failed: 0, skipped: 0, durations: nil, series: [])
                }
                guard p.status.isFinished else { continue }
                byID[p.id]!.runs += 1
                switch p.status {
                case .done:
                    byID[p.id]!.done += 1
                    if let d = p.duration { byID[p.id]!.series.append(d) }
                case .failed: byID[p.id]!.failed += 1
                case .skipped: byID[p.id]!.skipped += 1
                default: break
                }
            }
        }
        phases = order.map { id in
            var s = byID[id]!
            s.durations = Durations(s.series)
            return s
        }
    }
}
