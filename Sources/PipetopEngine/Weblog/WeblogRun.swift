import PipetopCore

/// One Nextflow run as pipetop reports it, from its weblog events: pure (events in, pipetop
/// events out), so it is tested without I/O.
///
/// The run is a job (named by the run name); Nextflow's processes become phases as they first
/// appear; tasks become steps named by their tag, else by their name ("PROCESS (index)"). A
/// failed attempt that Nextflow retries is a step running again, not a failure; a task that
/// fails for good fails its step and its phase; `completed` ends the job as Nextflow says.
/// A process's total is not known until all its tasks are submitted, so a phase's total is
/// the tasks seen so far.
public struct WeblogRun: Sendable {
    public let job: String
    public let name: String
    /// The job.start went out.
    public private(set) var announced = false
    /// `completed` came: later events are ignored.
    public private(set) var ended = false

    private struct Tally: Sendable {
        var steps: Set<String> = []
        /// Tasks counted before an engine restart whose names the engine no longer lists.
        var seenBefore = 0
        var seen: Int { seenBefore + steps.count }
        var done = 0
        var failed = 0
        var cpuSeconds = 0.0
        var peakRSS = 0.0
        /// Steps that failed for good (not retried, not ignored).
        var failures: [String] = []
    }

    /// Processes in the order they appeared.
    private var order: [String] = []
    private var tallies: [String: Tally] = [:]
    /// task_id → (phase, step).
    private var tasks: [String: (phase: String, step: String)] = [:]

    /// Past this many processes, no more per-process metrics are sent (a job keeps at most
    /// `Job.maxMetrics` metrics; two a process).
    static let maxMetricPhases = 100

    public init(runName: String, runId: String) {
        job = Self.jobID(runName: runName, runId: runId)
        name = runName
    }

    /// Picks up a run the engine already knows (the engine restarted while Nextflow went on,
    /// so this mapping's memory is gone): its phases and their counts go on from there.
    public mutating func resume(from job: Job) {
        announced = true
        // A run name is never used again: a late event of a run that ended starts nothing.
        if job.state.isTerminal { ended = true; return }
        for p in job.phases where tallies[p.id] == nil {
            order.append(p.id)
            var t = Tally()
            t.done = p.done
            t.failed = p.failed
            // The steps the engine still lists by name; the rest (done steps it folded) by count.
            t.steps = Set(p.steps.items.map(\.id))
            t.seenBefore = max(0, (p.total ?? (p.done + p.failed)) - t.steps.count)
            tallies[p.id] = t
        }
    }

    /// "nextflow:friendly_pesquet/170aa09c": the run name (new for every launch, `-resume`
    /// too) and the start of the session id (names repeat across directories). `pipetop follow
    /// nextflow` makes the same id from the log's "Run name" and "Session UUID" lines.
    public static func jobID(runName: String, runId: String) -> String {
        "nextflow:\(runName)/\(runId.prefix(8))"
    }

    /// A task's step: its tag, else its name ("PROCESS (3)"), else its id.
    public static func stepName(tag: String?, name: String?, taskID: String?) -> String {
        if let tag, !tag.isEmpty { return tag }
        if let name, !name.isEmpty { return name }
        return "task \(taskID ?? "?")"
    }

    /// The pipetop events one weblog event means.
    public mutating func events(for m: WeblogMessage) -> [Event] {
        guard let kind = m.kind, !ended else { return [] }
        var out: [Event] = []
        let ts = Self.time(of: m, kind: kind)
        let id = job
        func emit(_ body: Event.Body) { out.append(Event(job: id, ts: ts, body)) }
        if !announced {
            announced = true
            var labels = ["tool": "nextflow", "nextflow_run": m.runName, "nextflow_session": m.runId]
            labels["pipeline"] = m.workflow?.pipeline ?? m.runName
            if let d = m.workflow?.launchDir { labels["workdir"] = d }
            var start = Event.JobStart(name: m.runName, labels: labels)
            // Nextflow's process is not known over HTTP: none is watched or sampled.
            start.unwatched = true
            emit(.jobStart(start))
        }
        switch kind {
        case .started:
            break
        case .processSubmitted, .processStarted:
            guard let t = m.trace else { break }
            let (phase, step) = see(t, emit: emit)
            let attempt = (t.attempt ?? 1) > 1 ? "attempt \(t.attempt!)" : nil
            let what = kind == .processSubmitted ? "submitted" : "running"
            emit(.step(.init(phase: phase, step: step, state: .running, detail: [what, attempt].compactMap { $0 }.joined(separator: ", "))))
        case .processCompleted:
            guard let t = m.trace else { break }
            completed(t, emit: emit)
        case .error:
            var why = "Nextflow stopped the run on an error"
            if let t = m.trace {
                let task = t.name ?? t.process ?? "a task"
                why += ": \(task) failed" + (Self.exitText(t).map { " (\($0))" } ?? "")
            }
            emit(.log(.init(level: .error, message: why, phase: m.trace?.process)))
        case .completed:
            ended = true
            end(m.workflow, emit: emit)
        }
        return out
    }

    // MARK: - Tasks

    /// Notes a task (its phase and step), starting its phase the first time; returns both.
    private mutating func see(_ t: WeblogTrace, emit: (Event.Body) -> Void) -> (String, String) {
        if let id = t.taskID, let known = tasks[id] { return known }
        let phase = t.process ?? "tasks"
        let step = Self.stepName(tag: t.tag, name: t.name, taskID: t.taskID)
        if let id = t.taskID { tasks[id] = (phase, step) }
        var tally = tallies[phase] ?? Tally()
        let fresh = tallies[phase] == nil
        // A retried attempt (a new task_id, the same name) is the same step: seen once.
        let newStep = tally.steps.insert(step).inserted
        tallies[phase] = tally
        if fresh {
            order.append(phase)
            emit(.phaseStart(.init(phase: phase, total: tally.seen)))
        } else if newStep {
            emit(.progress(.init(phase: phase, total: tally.seen)))
        }
        return (phase, step)
    }

    private mutating func completed(_ t: WeblogTrace, emit: (Event.Body) -> Void) {
        let (phase, step) = see(t, emit: emit)
        // A task ends once (a retry is a new task_id): only running tasks are remembered.
        if let id = t.taskID { tasks[id] = nil }
        var tally = tallies[phase]!
        let attempt = t.attempt ?? 1
        let exit = Self.exitText(t)
        switch t.status?.uppercased() {
        case "FAILED":
            switch t.errorAction?.uppercased() {
            case "RETRY":
                // Not a failure: Nextflow runs the task again (a new task_id, the same step).
                let why = "attempt \(attempt) failed" + (exit.map { " (\($0))" } ?? "") + "; Nextflow retries it"
                emit(.step(.init(phase: phase, step: step, state: .running, detail: why)))
                emit(.log(.init(level: .warn, message: "\(step): \(why)", phase: phase)))
            case "IGNORE":
                tally.failed += 1
                let why = "failed" + (exit.map { " (\($0))" } ?? "") + "; ignored (errorStrategy 'ignore')"
                emit(.step(.init(phase: phase, step: step, state: .failed, detail: why)))
                emit(.progress(.init(phase: phase, failed: tally.failed)))
                emit(.log(.init(level: .warn, message: "\(step) \(why)", phase: phase)))
            default:
                tally.failed += 1
                tally.failures.append(step)
                let why = "failed" + (exit.map { " (\($0))" } ?? "") + (attempt > 1 ? " on attempt \(attempt)" : "")
                emit(.step(.init(phase: phase, step: step, state: .failed, detail: why)))
                emit(.progress(.init(phase: phase, failed: tally.failed)))
                emit(.log(.init(level: .error, message: "\(step) \(why)", phase: phase)))
            }
        case "ABORTED":
            // Killed because the run stopped: not this task's failure.
            emit(.step(.init(phase: phase, step: step, state: .failed, detail: "aborted: Nextflow stopped the run")))
        default:
            tally.done += 1
            emit(.step(.init(phase: phase, step: step, state: .done, detail: Self.figures(t, exit: exit))))
            emit(.progress(.init(phase: phase, done: tally.done)))
        }
        // CPU seconds and peak memory of the process's tasks so far, as the job's metrics.
        if let rt = t.realtime, let cpu = t.cpuPercent { tally.cpuSeconds += rt / 1000 * cpu / 100 }
        if let rss = t.peakRSS { tally.peakRSS = max(tally.peakRSS, rss) }
        tallies[phase] = tally
        if order.firstIndex(of: phase).map({ $0 < Self.maxMetricPhases }) ?? false, t.realtime != nil || t.peakRSS != nil {
            emit(.metric(.init(name: "cpu_seconds", value: (tally.cpuSeconds * 1000).rounded() / 1000, kind: .counter, phase: phase)))
            if tally.peakRSS > 0 { emit(.metric(.init(name: "peak_rss_bytes", value: tally.peakRSS, kind: .gauge, phase: phase))) }
        }
    }

    /// The run's end: phases whose tasks all finished are closed (failed where a task failed
    /// for good), then the job ends as Nextflow says.
    private func end(_ w: WeblogWorkflow?, emit: (Event.Body) -> Void) {
        let success = w?.success ?? (w?.errorMessage == nil)
        for phase in order {
            let t = tallies[phase]!
            if !t.failures.isEmpty {
                let list = t.failures.prefix(5).joined(separator: "; ")
                emit(.phaseEnd(.init(phase: phase, status: .failed, error: "\(t.failures.count) of \(t.seen) tasks failed: \(list)")))
            } else if t.done + t.failed >= t.seen {
                emit(.phaseEnd(.init(phase: phase, status: .done)))
            }
        }
        if success {
            emit(.jobEnd(.init(status: .completed)))
        } else {
            var why = w?.errorMessage.map { String($0.prefix(2000)) } ?? "Nextflow reported the run as failed"
            if why.isEmpty { why = "Nextflow reported the run as failed" }
            emit(.jobEnd(.init(status: .failed, error: why)))
        }
    }

    // MARK: - Wording

    /// "exit 1" (none before there is one: Nextflow sends Integer.MAX_VALUE).
    static func exitText(_ t: WeblogTrace) -> String? {
        guard let e = t.exit, e != Int(Int32.max) else { return nil }
        return "exit \(e)"
    }

    /// "exit 0 · 1m04s · 187% CPU · 1.2GiB peak RSS": a finished task's trace in a line.
    static func figures(_ t: WeblogTrace, exit: String?) -> String {
        var parts: [String] = []
        if let exit { parts.append(exit) }
        if let rt = t.realtime { parts.append(Format.duration(rt / 1000)) }
        if let cpu = t.cpuPercent { parts.append("\(Int(cpu.rounded()))% CPU") }
        if let rss = t.peakRSS, rss < 1e18 { parts.append(Format.bytes(Int(rss)) + " peak RSS") }
        return parts.isEmpty ? "completed" : parts.joined(separator: " · ")
    }

    /// The event's time: the task's own submit/start/complete time (milliseconds) when the
    /// trace has it, else `utcTime` (whole seconds).
    static func time(of m: WeblogMessage, kind: WeblogMessage.Kind) -> Double? {
        let ms: Double? = switch kind {
        case .processSubmitted: m.trace?.submit
        case .processStarted: m.trace?.start
        case .processCompleted: m.trace?.complete
        default: nil
        }
        if let ms, ms > 0 { return ms / 1000 }
        return m.time
    }
}
