import Foundation
import PipetopCore
import PipetopEngine

/// Reads a Nextflow log (`.nextflow.log`, as Nextflow 22 to 26 write it: logback's
/// `%d{MMM-dd HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg`, LoggerHelper.createEncoder) line
/// by line and says what happened as pipetop events, the same job the weblog makes as far as
/// the log allows: the run (from Session's "Session UUID" and "Run name" lines), processes as
/// phases as their first task is submitted, tasks as steps (Session.notifyTaskSubmit's
/// "[hash] Submitted process > NAME"), their ends (TaskPollingMonitor.checkTaskStatus's
/// "Task completed > TaskHandler[...]"), retries and ignored errors (TaskProcessor.resumeOrDie's
/// "NOTE: ... -- Execution is retried" / "-- Error is ignored"), failures ("Error executing
/// process > 'NAME'" and the lines under it) and the end (ScriptRunner's "> Execution complete
/// -- Goodbye", Session.abort's "Session aborted -- Cause: ..."). Names are from Nextflow
/// 26.08.0-edge's source. The log has no task resources (they are in the trace file): none
/// are reported. Pure: no files are read here.
struct NextflowLogParser: FollowedLog {
    /// Filled from the log; the job's id needs both.
    private(set) var runName: String?
    private(set) var runId: String?
    var job: String? { runName.flatMap { n in runId.map { WeblogRun.jobID(runName: n, runId: $0) } } }
    /// The script or repository launched ("main.nf", "nf-core/rnaseq"): the pipeline label.
    private(set) var launched: String?
    let labels: [String: String]
    /// Nextflow's process, when found: watched and sampled.
    var pid: Int32?

    private(set) var started = false
    /// "> Execution complete -- Goodbye": the run is over.
    private(set) var ended = false

    private var order: [String] = []
    private var seen: [String: Set<String>] = [:]
    private var done: [String: Int] = [:]
    private var failed: [String: Int] = [:]
    private var failures: [String: [String]] = [:]
    /// Tasks counted done (a task that exited 0 can still fail: missing outputs).
    private var doneTasks: Set<String> = []
    /// Tasks that ended with an error, until the log says what Nextflow does about it.
    private var pendingFailure: [String: (phase: String, step: String, exit: String?)] = [:]
    private var abortCause: String?
    private var errors: [String] = []
    /// An ERROR message and the lines under it (no time stamp), until the next stamped line.
    private var block: [String]?

    /// The time of the lines read: the log's stamps while catching up (the year is not in
    /// them: this year, or last year for a stamp ahead of the clock), the clock once `live`.
    var now: Double = Date().timeIntervalSince1970
    var live = false

    /// Made once: a formatter made per line cost more than the rest of the line's reading.
    private let stampFormat: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "MMM-dd HH:mm:ss.SSS yyyy"
        return f
    }()
    private let year = Calendar.current.component(.year, from: Date())

    init(labels: [String: String] = [:]) { self.labels = labels }

    /// The events one more line of the log means.
    mutating func feed(_ raw: String) -> [Event] {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        guard let (stamp, level, message) = Self.split(line) else {
            block?.append(line)
            return []
        }
        var out = closeBlock()
        if !live, let t = stampFormat.date(from: "\(stamp) \(year)")?.timeIntervalSince1970 {
            // No year in the stamps: this year, or last year for a stamp ahead of the clock.
            now = t <= Date().timeIntervalSince1970 + 86_400 ? t : stampFormat.date(from: "\(stamp) \(year - 1)")?.timeIntervalSince1970 ?? t
        }
        if level == "ERROR" { block = [message]; return out }
        out += meaning(of: message)
        return out
    }

    /// All that was written is read: an error block is whole (Nextflow writes it at once).
    mutating func caughtUp() -> [Event] { closeBlock() }

    private mutating func meaning(of m: String) -> [Event] {
        if let v = Self.after("Session UUID: ", in: m) { runId = v; return [] }
        if let v = Self.after("Run name: ", in: m) { runName = v; return start() }
        if m.hasPrefix("Launching `"), let end = m.dropFirst(11).firstIndex(of: "`") {
            launched = String(m.dropFirst(11)[..<end])
            return []
        }
        if let name = Self.submitted(m) { return submit(name.task, retried: name.retried) }
        if let name = Self.cached(m) { return submit(name, retried: false, cached: true) }
        if m.hasPrefix("Task completed > TaskHandler[") || m.hasPrefix("Task timed-out > TaskHandler[") { return taskEnded(m) }
        if m.contains("] NOTE: "), m.contains(" -- Execution is retried") || m.hasSuffix(" -- Error is ignored") { return note(m) }
        if let v = Self.after("Session aborted -- Cause: ", in: m) { abortCause = abortCause ?? v; return [] }
        if m.hasPrefix("Execution cancelled -- ") { abortCause = abortCause ?? "Nextflow cancelled the run after a task failed"; return [] }
        if m.hasPrefix("> Execution complete -- Goodbye") { ended = true }
        return []
    }

    // MARK: - What the lines mean

    /// The job of what is read before the log names the run (dropped by the follower).
    static let unnamedJob = "nextflow"

    private func event(_ body: Event.Body) -> Event { Event(job: job ?? Self.unnamedJob, ts: now, body) }

    private mutating func start() -> [Event] {
        guard !started, job != nil else { return [] }
        started = true
        var l = labels
        l["tool"] = "nextflow"
        if let runName { l["nextflow_run"] = runName }
        if let runId { l["nextflow_session"] = runId }
        l["pipeline"] = launched ?? runName
        var s = Event.JobStart(name: runName ?? "nextflow", labels: l)
        if let pid { s.pid = pid } else { s.unwatched = true }  // never the follower's own process
        return [event(.jobStart(s))]
    }

    private mutating func submit(_ task: String, retried: Bool, cached: Bool = false) -> [Event] {
        guard started else { return [] }
        let (phase, step) = Self.phaseAndStep(task)
        var out: [Event] = []
        if seen[phase] == nil {
            order.append(phase)
            seen[phase] = [step]
            out.append(event(.phaseStart(.init(phase: phase, total: 1))))
        } else if seen[phase]!.insert(step).inserted {
            out.append(event(.progress(.init(phase: phase, total: seen[phase]!.count))))
        }
        if cached {
            // A -resume found its result: done without running.
            doneTasks.insert(task)
            done[phase, default: 0] += 1
            out.append(event(.step(.init(phase: phase, step: step, state: .done, detail: "cached"))))
            out.append(event(.progress(.init(phase: phase, done: done[phase]!))))
            return out
        }
        out.append(event(.step(.init(phase: phase, step: step, state: .running, detail: retried ? "submitted again (a retry)" : "submitted"))))
        return out
    }

    /// "Task completed > TaskHandler[id: 3; name: QUANT (s2); status: COMPLETED; exit: 0; error: -; workDir: ...]"
    private mutating func taskEnded(_ m: String) -> [Event] {
        guard started else { return [] }
        let f = Self.handlerFields(m)
        guard let name = f["name"] else { return [] }
        let (phase, step) = Self.phaseAndStep(name)
        let exit = f["exit"].flatMap { $0 == "-" ? nil : "exit \($0)" }
        if f["exit"] == "0" && (f["error"] ?? "-") == "-" && !m.hasPrefix("Task timed-out") {
            done[phase, default: 0] += 1
            doneTasks.insert(name)
            return [event(.step(.init(phase: phase, step: step, state: .done, detail: "exit 0"))),
                    event(.progress(.init(phase: phase, done: done[phase]!)))]
        }
        // What it means (retried, ignored, the run's end) comes in the next lines.
        pendingFailure[name] = (phase, step, exit)
        return []
    }

    /// "[b2/33aa11] NOTE: Process `QUANT (s2)` terminated with an error exit status (1) -- Execution is retried (1)"
    private mutating func note(_ m: String) -> [Event] {
        guard started, let name = Self.quotedTask(m) else { return [] }
        let (phase, step) = pendingFailure.removeValue(forKey: name).map { ($0.phase, $0.step) } ?? Self.phaseAndStep(name)
        let what = m.components(separatedBy: "] NOTE: ").dropFirst().joined()
        if m.contains(" -- Execution is retried") {
            return [event(.step(.init(phase: phase, step: step, state: .running, detail: "failed; Nextflow retries it"))),
                    event(.log(.init(level: .warn, message: what, phase: phase)))]
        }
        failed[phase, default: 0] += 1
        return [event(.step(.init(phase: phase, step: step, state: .failed, detail: "failed; ignored (errorStrategy 'ignore')"))),
                event(.progress(.init(phase: phase, failed: failed[phase]!))),
                event(.log(.init(level: .warn, message: what, phase: phase)))]
    }

    private mutating func closeBlock() -> [Event] {
        guard var lines = block else { return [] }
        block = nil
        while lines.count > 1, lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        let text = lines.prefix(40).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        errors.append(lines[0])
        guard started else { return [] }
        // "Error executing process > 'QUANT (s3)'": that task failed for good.
        if let v = Self.after("Error executing process > '", in: lines[0]), v.hasSuffix("'") {
            let name = String(v.dropLast())
            let (phase, step) = pendingFailure.removeValue(forKey: name).map { ($0.phase, $0.step) } ?? Self.phaseAndStep(name)
            failed[phase, default: 0] += 1
            failures[phase, default: []].append(step)
            // It exited 0 and was counted done, but Nextflow failed it (an output missing).
            let wasDone = doneTasks.remove(name) != nil
            if wasDone { done[phase, default: 1] -= 1 }
            let cause = Self.cause(in: lines)
            return [event(.step(.init(phase: phase, step: step, state: .failed, detail: cause ?? "failed"))),
                    // Taken back by a negative inc: an absolute lower count would be refused.
                    event(.progress(.init(phase: phase, inc: wasDone ? -1 : nil, failed: failed[phase]!))),
                    event(.log(.init(level: .error, message: text, phase: phase)))]
        }
        return [event(.log(.init(level: .error, message: text)))]
    }

    /// The job's end, as far as the log tells it.
    mutating func end() -> [Event] {
        var out = closeBlock()
        guard started else { return out }
        let failedRun = abortCause != nil || failures.values.contains { !$0.isEmpty }
        for phase in order {
            let f = failures[phase] ?? []
            let n = seen[phase]?.count ?? 0
            if !f.isEmpty {
                out.append(event(.phaseEnd(.init(phase: phase, status: .failed, error: "\(f.count) of \(n) tasks failed: " + f.prefix(5).joined(separator: "; ")))))
            } else if (done[phase] ?? 0) + (failed[phase] ?? 0) >= n {
                out.append(event(.phaseEnd(.init(phase: phase, status: .done))))
            }
        }
        if failedRun {
            let why = abortCause ?? errors.first ?? "Nextflow reported the run as failed"
            out.append(event(.jobEnd(.init(status: .failed, error: why))))
        } else {
            out.append(event(.jobEnd(.init(status: .completed))))
        }
        return out
    }

    // MARK: - Line shapes

    /// "Dec-02 03:40:01.123 [Task submitter] INFO  nextflow.Session - message" into its stamp
    /// (local time, no year), level and message; nil for a line without a stamp (one under an error message).
    static func split(_ line: String) -> (String, String, String)? {
        guard line.count > 20, let sep = line.range(of: " - ") else { return nil }
        let head = line[..<sep.lowerBound]
        guard let open = head.firstIndex(of: "["), let close = head.firstIndex(of: "]"), open < close else { return nil }
        let when = head[..<open].trimmingCharacters(in: .whitespaces)
        guard when.count == 19, when.dropFirst(3).first == "-" else { return nil }
        let rest = head[head.index(after: close)...].split(separator: " ")
        guard let level = rest.first, ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(level) else { return nil }
        return (when, String(level), String(line[sep.upperBound...]))
    }

    /// "[a1/0024fd] Submitted process > QUANT (s1)" or "Re-submitted process > ...".
    static func submitted(_ m: String) -> (task: String, retried: Bool)? {
        guard m.hasPrefix("["), let close = m.firstIndex(of: "]") else { return nil }
        let rest = m[m.index(after: close)...].trimmingCharacters(in: .whitespaces)
        if let t = after("Submitted process > ", in: rest) { return (t, false) }
        if let t = after("Re-submitted process > ", in: rest) { return (t, true) }
        return nil
    }

    /// "[a1/0024fd] Cached process > QUANT (s1)" (TaskProcessor, a -resume).
    static func cached(_ m: String) -> String? {
        guard m.hasPrefix("["), let close = m.firstIndex(of: "]") else { return nil }
        return after("Cached process > ", in: m[m.index(after: close)...].trimmingCharacters(in: .whitespaces))
    }

    /// "QUANT (s1)" → phase QUANT, step s1 (a tag or an index: the log does not say which);
    /// "INDEX" → INDEX, INDEX.
    static func phaseAndStep(_ task: String) -> (String, String) {
        guard task.hasSuffix(")"), let open = task.range(of: " (", options: .backwards) else { return (task, task) }
        let inner = task[open.upperBound...].dropLast()
        return (String(task[..<open.lowerBound]), inner.isEmpty ? task : String(inner))
    }

    /// The fields of "TaskHandler[id: 3; name: QUANT (s2); status: COMPLETED; exit: 1; ...]".
    static func handlerFields(_ m: String) -> [String: String] {
        guard let open = m.range(of: "TaskHandler[") else { return [:] }
        var body = m[open.upperBound...]
        if body.hasSuffix("]") { body = body.dropLast() }
        var f: [String: String] = [:]
        for part in body.components(separatedBy: "; ") {
            guard let colon = part.range(of: ": ") else { continue }
            f[String(part[..<colon.lowerBound])] = String(part[colon.upperBound...])
        }
        return f
    }

    /// The task in "Process `QUANT (s2)` terminated ...".
    static func quotedTask(_ m: String) -> String? {
        guard let a = m.range(of: "Process `"), let b = m[a.upperBound...].firstIndex(of: "`") else { return nil }
        return String(m[a.upperBound..<b])
    }

    /// The line under "Caused by:" in an error block.
    static func cause(in lines: [String]) -> String? {
        guard let i = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "Caused by:" }), i + 1 < lines.count else { return nil }
        let c = lines[i + 1].trimmingCharacters(in: .whitespaces)
        return c.isEmpty ? nil : c
    }

    static func after(_ prefix: String, in text: String) -> String? {
        text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) : nil
    }
}
