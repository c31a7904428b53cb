/// Projects the engine's state onto the Board: the one place where the figures people see
/// are worked out (rates, estimates, stalls, past durations), each job on its own clock so a
/// producer whose clock is off is judged as the engine judges it.
public enum BoardProjector {
    /// Slices of a phase's throughput sparkline.
    public static let throughputSlices = 12

    public static func board(_ s: PipelineState, now: Double, options: BoardOptions = BoardOptions()) -> Board {
        Board(at: now, jobs: s.orderedJobs.map { job($0, in: s, now: now, options: options) }, alerts: s.alerts.sorted,
              unacknowledged: s.alerts.unacknowledged, host: host(s.host, options: options), serviceLevels: serviceLevels(s))
    }

    /// The configured promises and how the last runs kept them.
    static func serviceLevels(_ s: PipelineState) -> [BoardServiceLevel]? {
        let levels = s.alertRules.serviceLevels
        guard !levels.isEmpty else { return nil }
        let last = s.lastStarts(of: Set(levels.map(\.pipeline)))
        return levels.map { l in
            let kept = s.compliance(pipeline: l.pipeline, runs: BoardServiceLevel.runsCounted)
            return BoardServiceLevel(pipeline: l.pipeline, promise: l.summary, met: kept.met, missed: kept.missed, lastStart: last[l.pipeline])
        }
    }

    static func deadline(_ j: Job) -> BoardDeadline? {
        guard let d = j.deadline, let due = d.due(startedAt: j.startedAt + (j.clockSkew ?? 0)) else { return nil }
        return BoardDeadline(due: due, finishBy: d.finishBy, maxDuration: d.maxDuration, source: d.source)
    }

    public static func job(_ j: Job, in s: PipelineState, now engineNow: Double, options: BoardOptions = BoardOptions()) -> BoardJob {
        let skew = BoardRounding.time(j.clockSkew ?? 0)
        // The job's own clock: its times and the engine's refreshes of it are on this clock.
        let now = engineNow - skew
        let pipeline = RunSummary.pipeline(of: j)
        var done = 0, failed = 0, skipped = 0, total: Int? = 0
        for p in j.phases {
            done &+= p.done; failed &+= p.failed; skipped &+= p.skipped
            total = total.flatMap { t in p.effectiveTotal.map { t &+ $0 } }
        }
        let focused = options.focuses(job: j.id)
        let est = s.estimates[job: j.id]
        // A lost job neither stalls nor has an ETA: it is lost, and says why.
        let lost = !j.state.isTerminal && j.lostAt != nil
        let stalled = j.state.isTerminal || lost ? nil : Estimator.stall(j, est, now: now)
        var out = BoardJob(
            id: j.id, name: j.name, pipeline: pipeline, run: j.run, state: j.state, labels: j.labels, pid: j.pid,
            startedAt: j.startedAt, endedAt: j.endedAt, skew: skew, done: done, failed: failed, skipped: skipped,
            total: j.phases.isEmpty ? nil : total, eta: lost ? nil : eta(j, est, skew: skew),
            stalledSince: stalled.map { BoardRounding.time(engineNow - $0) }, error: lost ? Self.lostReason(j) : j.error, byEngine: j.verdict != nil || lost,
            errorCount: j.errorCount, currentPhaseID: j.currentPhase?.id,
            phases: j.phases.map { phase($0, of: j, est, in: s, now: now, engineNow: engineNow, pipeline: pipeline,
                                         focused: focused, steps: options.focuses(job: j.id, phase: $0.id)) },
            checkpoints: options.checkpointData ? j.checkpoints : j.checkpoints.map { var c = $0; c.data = nil; return c },
            logs: Array(j.logs.suffix(options.logLines)),
            resources: j.resources.map { resources($0, points: focused ? options.timelinePoints : 0) },
            metrics: j.metrics.isEmpty ? nil : j.metrics.map {
                BoardMetric(name: $0.name, phase: $0.phase, kind: $0.kind, value: $0.value, at: $0.at, recent: focused ? $0.recent : nil)
            },
            past: PastDurations(s.history[pipeline]?.filter { $0.status == .completed }.map(\.duration) ?? []),
            deadline: deadline(j), queuedAt: j.queuedAt)
        out.tally = j.tally
        out.artifacts = j.artifacts
        return out
    }

    /// Why a job is lost, as its alert says it.
    static func lostReason(_ j: Job) -> String {
        guard let pid = j.pid, let gone = j.pidGoneAt else { return "its process is gone and no job.end came" }
        return PipelineState.goneMessage(pid: pid, goneAt: gone, lastReport: j.updatedAt, engineStart: false)
    }

    /// The estimate as shown, anchored where it was made (engine's clock): it changes only
    /// when the engine's shown estimate does (see `ETATrack`), and viewers count down from it.
    static func eta(_ j: Job, _ est: JobEstimates, skew: Double) -> BoardETA? {
        guard !j.state.isTerminal, let e = est.eta?.shown else { return nil }
        let confidence: BoardETA.Confidence = !e.complete ? .lowerBound : e.calibrated ? .calibrated : .rough
        let r = BoardRounding.time
        return BoardETA(madeAt: r(e.at + skew), remaining: r(e.remaining), low: r(e.lo), high: r(e.hi), confidence: confidence,
                        frozen: e.paused || e.stalledFor != nil)
    }

    static func phase(_ p: Phase, of j: Job, _ est: JobEstimates, in s: PipelineState, now: Double, engineNow: Double, pipeline: String,
                      focused: Bool, steps: Bool) -> BoardPhase {
        let w = est.rate(p.id)
        let stalled = j.lostAt != nil ? nil : Estimator.stall(p, w, in: j, now: now)
        let left = p.state == .running && stalled == nil && j.lostAt == nil ? s.phaseETA(p, of: j, est, now: now) : nil
        let canceled = p.steps.canceledCount + (p.steps.folded.canceled ?? 0)
        let stepList = BoardSteps(kept: p.steps.count, running: p.steps.runningCount, failed: p.steps.failedCount + p.steps.folded.failed,
                                  canceled: canceled > 0 ? canceled : nil,
                                  dropped: p.steps.dropped, longest: BoardRounding.time(p.steps.longest), items: steps ? p.steps.items : nil,
                                  recent: recentSteps(p.steps))
        return BoardPhase(
            id: p.id, name: p.name, state: p.state, done: p.done, failed: p.failed, skipped: p.skipped, total: p.effectiveTotal,
            unit: p.unit, rate: j.lostAt != nil ? nil : est.rate(of: p, in: j, now: now).map(BoardRounding.rate),  // lost: no current rate
            peakRate: w.peak > 0 ? BoardRounding.rate(w.peak) : nil,
            throughput: focused ? est.throughput(of: p, in: j, buckets: throughputSlices, now: now).map(BoardRounding.rate) : nil,
            startedAt: p.startedAt, endedAt: p.endedAt,
            // Whole seconds: the figure a person reads, steady while the rate is.
            finishAt: left.map { (engineNow + $0).rounded() }, stalledSince: stalled.map { BoardRounding.time(engineNow - $0) },
            retries: p.retries, errorCount: p.errorCount, error: p.error,
            past: PastDurations(s.pastDurations(pipeline: pipeline, phase: p.id)), usage: p.usage, steps: stepList)
    }

    /// The newest running steps and the newest failed one, newest first (a scan from the
    /// newest that stops as soon as it has them).
    static func recentSteps(_ steps: StepList) -> [Step] {
        guard steps.runningCount > 0 || steps.failedCount > 0 else { return [] }
        var running: [Step] = [], failed: Step?
        var i = steps.count - 1
        while i >= 0 && (running.count < min(steps.runningCount, BoardSteps.recentRunning) || (failed == nil && steps.failedCount > 0)) {
            let s = steps.step(at: i)
            if s.state == .running && running.count < BoardSteps.recentRunning { running.append(s) }
            if s.state == .failed && failed == nil { failed = s }
            i -= 1
        }
        return running + (failed.map { [$0] } ?? [])
    }

    static func resources(_ r: JobResources, points: Int) -> BoardResources {
        BoardResources(cpuNow: r.last?.cpuPercent, rssNow: r.last?.rss, processes: r.last?.processes, threads: r.last?.threads, memoryLimit: r.last?.memoryLimit,
                       cpuSeconds: r.cpuSeconds, peakRSS: r.peakRSS, readBytes: r.readBytes, writeBytes: r.writeBytes,
                       cpu: points > 0 ? r.cpu.recent(points) : [], rss: points > 0 ? r.rss.recent(points) : [])
    }

    static func host(_ h: HostResources, options: BoardOptions) -> BoardHost {
        BoardHost(hostname: h.hostname, last: h.last, cpu: h.cpu.recent(options.timelinePoints), mem: h.mem.recent(options.timelinePoints))
    }
}
