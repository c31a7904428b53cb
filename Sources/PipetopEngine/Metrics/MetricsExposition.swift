import Foundation
import PipetopCore
import PipetopWire

/// The engine's state in Prometheus' text exposition format (version 0.0.4).
///
/// Naming follows Prometheus' rules: base units (seconds, bytes), `_total` for counters, no
/// per-run ids as labels (a job is labelled by its id and pipeline, which repeat across runs;
/// its run number is a value), bounded label values (ids are at most 256 bytes, the state is
/// one of a few values). Finished jobs stay until the engine forgets them.
public enum MetricsExposition {
    public struct Counters: Sendable {
        public var applied: UInt64
        public var refused: UInt64
        public var subscribers: Int
        /// The engine's own health (nil: not known, left out).
        public var health: EngineHealth?
        public init(applied: UInt64, refused: UInt64, subscribers: Int, health: EngineHealth? = nil) {
            self.applied = applied; self.refused = refused; self.subscribers = subscribers; self.health = health
        }
    }

    /// Every figure is the Board's (as on the dashboard and in `report`).
    public static func text(_ b: Board, counters: Counters) -> String {
        let now = b.at
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples {
                let l = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(name)\(l) \(number(value))\n"
            }
        }
        let jobs = b.jobs
        func jl(_ j: BoardJob) -> [(String, String)] { [("job_id", j.id), ("pipeline", j.pipeline)] }
        func pl(_ j: BoardJob, _ p: BoardPhase) -> [(String, String)] { jl(j) + [("phase", p.id)] }

        // A lost job is said lost (as pipetop_engine_jobs and every viewer say), not the state
        // it was left in; so is its phase that was running.
        family("pipetop_job_info", "gauge", "One per job; its state as a label (running, completed, failed, lost, ...).",
               jobs.map { (jl($0) + [("state", $0.isLost ? EngineHealth.lost : $0.state.rawValue)], 1) })
        family("pipetop_job_run", "gauge", "The job's run number (1 for the first run under its id).", jobs.map { (jl($0), Double($0.run)) })
        family("pipetop_job_progress_ratio", "gauge", "How far along the job is, 0 to 1.", jobs.map { (jl($0), $0.fraction(at: b.at)) })
        // A queued job has not started: its wait is a family of its own.
        family("pipetop_job_duration_seconds", "gauge", "Time since the job started running (to its end once ended).",
               jobs.filter { $0.state != .pending }.map { (jl($0), $0.elapsed(at: now)) })
        family("pipetop_job_waited_seconds", "gauge", "How long a queued job has waited, or waited before it ran.",
               jobs.compactMap { j in j.waited(at: now).map { (jl(j), $0) } })
        family("pipetop_job_eta_seconds", "gauge", "Estimated time left for the job (docs/ETA.md).", jobs.compactMap { j in
            guard !j.state.isTerminal, let e = j.eta else { return nil }
            return (jl(j), e.left(at: now).remaining)
        })
        family("pipetop_job_deadline_timestamp_seconds", "gauge", "When the job must be over (its deadline or maximum duration), Unix time.",
               jobs.compactMap { j in j.state.isTerminal ? nil : j.deadline.map { (jl(j), $0.due) } })
        family("pipetop_job_deadline_margin_seconds", "gauge",
               "Seconds from the late end of the job's estimate (80% range) to its deadline; negative: likely late.",
               jobs.compactMap { j in
                   guard !j.state.isTerminal, let d = j.deadline, let e = j.eta, e.confidence != .lowerBound else { return nil }
                   return (jl(j), d.due - (now + e.left(at: now).high))
               })
        family("pipetop_job_stalled", "gauge", "1 while the job is stalled.", jobs.filter { !$0.state.isTerminal }.map {
            (jl($0), $0.stalledSince == nil ? 0 : 1)
        })
        family("pipetop_job_errors_total", "counter", "Error log lines of the job.", jobs.map { (jl($0), Double($0.errorCount)) })
        family("pipetop_job_cpu_seconds_total", "counter", "CPU time of the job's process tree while sampled.",
               jobs.compactMap { j in j.resources.map { (jl(j), $0.cpuSeconds) } })
        family("pipetop_job_resident_memory_bytes", "gauge", "Resident memory of the job's process tree.",
               jobs.compactMap { j in j.resources?.rssNow.map { (jl(j), Double($0)) } })

        var items: [(labels: [(String, String)], value: Double)] = []
        var failed: [(labels: [(String, String)], value: Double)] = []
        var skipped: [(labels: [(String, String)], value: Double)] = []
        var totals: [(labels: [(String, String)], value: Double)] = []
        var rates: [(labels: [(String, String)], value: Double)] = []
        var durations: [(labels: [(String, String)], value: Double)] = []
        var states: [(labels: [(String, String)], value: Double)] = []
        for j in jobs {
            for p in j.phases {
                let l = pl(j, p)
                states.append((l + [("state", j.isLost(p) ? EngineHealth.lost : p.state.rawValue)], 1))
                items.append((l, Double(p.done)))
                failed.append((l, Double(p.failed)))
                skipped.append((l, Double(p.skipped)))
                if let t = p.total { totals.append((l, Double(t))) }
                if let r = p.rate { rates.append((l, r)) }
                if let d = j.elapsed(of: p, at: now) { durations.append((l, d)) }
            }
        }
        family("pipetop_phase_info", "gauge", "One per phase; its state as a label (lost: running in a lost job).", states)
        family("pipetop_phase_items_done_total", "counter", "Items the phase has done.", items)
        family("pipetop_phase_items_failed_total", "counter", "Items of the phase that failed.", failed)
        family("pipetop_phase_items_skipped_total", "counter", "Items of the phase that were skipped.", skipped)
        family("pipetop_phase_items", "gauge", "The phase's total item count, when known.", totals)
        family("pipetop_phase_rate_items_per_second", "gauge", "Items per second of a running phase (recent).", rates)
        family("pipetop_phase_duration_seconds", "gauge", "Time since the phase started (to its end once ended).", durations)
        // The jobs' own figures (`metric` events), by kind: a family has one type.
        func own(_ kind: MetricKind) -> [(labels: [(String, String)], value: Double)] {
            jobs.flatMap { j in (j.metrics ?? []).filter { $0.kind == kind }.map { (jl(j) + [("name", $0.name), ("phase", $0.phase ?? "")], $0.value) } }
        }
        family("pipetop_job_metric", "gauge", "A job's own figure (a metric event of kind gauge), by name and phase.", own(.gauge))
        family("pipetop_job_metric_total", "counter", "A job's own count (a metric event of kind counter), by name and phase.", own(.counter))

        let levels = b.serviceLevels ?? []
        family("pipetop_sla_runs", "gauge", "Of a pipeline's last \(BoardServiceLevel.runsCounted) runs with a deadline ([[sla]] or job.start), those that met and missed it.",
               levels.flatMap { l in [([("pipeline", l.pipeline), ("result", "met")], Double(l.met)), ([("pipeline", l.pipeline), ("result", "missed")], Double(l.missed))] })
        family("pipetop_sla_last_start_timestamp_seconds", "gauge", "When the last run of a pipeline with an [[sla]] started, Unix time.",
               levels.compactMap { l in l.lastStart.map { ([("pipeline", l.pipeline)], $0) } })

        var bySeverity: [Alert.Severity: Int] = [:]
        for a in b.alerts where a.isOpen && !a.isSilenced { bySeverity[a.severity, default: 0] += 1 }
        family("pipetop_alerts_firing", "gauge", "Open, unsilenced alerts by severity.",
               Alert.Severity.allCases.map { ([("severity", $0.rawValue)], Double(bySeverity[$0] ?? 0)) })
        family("pipetop_alerts_unacknowledged", "gauge", "Open alerts nobody has acknowledged (and not silenced).",
               [([], Double(b.unacknowledged))])
        family("pipetop_engine_events_applied_total", "counter", "Events the engine applied.", [([], Double(counters.applied))])
        family("pipetop_engine_events_refused_total", "counter", "Lines the engine refused.", [([], Double(counters.refused))])
        family("pipetop_engine_viewers", "gauge", "Viewers subscribed.", [([], Double(counters.subscribers))])
        // As `pipetop status` counts them: a lost job under "lost", not the state it was left in.
        family("pipetop_engine_jobs", "gauge", "Jobs the engine knows, by state (lost: its process gone with no job.end).",
               EngineHealth.jobKeys.map { key in
                   ([("state", key)], Double(jobs.filter { ($0.isLost ? EngineHealth.lost : $0.state.rawValue) == key }.count))
               })
        if let h = counters.health {
            family("pipetop_engine_health", "gauge", "The engine's health: 0 healthy, 1 degraded, 2 unhealthy (`pipetop status` says why).",
                   [([], Double(h.status.code))])
            family("pipetop_engine_health_check", "gauge", "Each check of the engine's health: 0 healthy, 1 degraded, 2 unhealthy.",
                   EngineHealth.checks.map { ([("check", $0)], Double(h.status(of: $0).code)) })
            family("pipetop_engine_info", "gauge", "Always 1; the engine's version as a label.", [([("version", h.version)], 1)])
            family("pipetop_engine_uptime_seconds", "gauge", "Seconds since the engine started.", [([], h.uptimeS)])
            family("pipetop_engine_journal_backlog", "gauge", "Events applied but not yet written to the database.",
                   [([], Double(h.database.backlog))])
            family("pipetop_engine_jobs_waiting_longest_seconds", "gauge", "The longest wait of a queued (pending) job.",
                   h.queue.longestWaitS.map { [([], $0)] } ?? [])
        }
        return out
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ v: String) -> String {
        v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    /// Writes the exposition to `path` atomically (a temporary file renamed over it), as
    /// node_exporter's textfile collector wants.
    public static func writeTextfile(_ text: String, to path: String) throws {
        try TextfileWriter.replace(path, with: text)
    }
}
