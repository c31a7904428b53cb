import Foundation
import PipetopCore

/// Reads a Snakemake log (`.snakemake/log/*.snakemake.log`, as Snakemake 7 to 9 write it) line
/// by line and says what happened as pipetop events, the same ones the logger plugin sends:
/// one job per run, rules as phases (in the order of the "Job stats" table, which is the
/// rule graph's), Snakemake's jobs as steps named by their wildcards, failed jobs with the
/// last lines of their log files. Pure: the log files are read through `logLines`.
struct SnakemakeLogParser: FollowedLog {
    let job: String
    let name: String
    let labels: [String: String]
    /// The last lines of a rule's log file (a path as Snakemake wrote it).
    let logLines: (String) -> [String]
    /// Snakemake's process, when found: watched and sampled.
    var pid: Int32?

    private(set) var started = false
    /// The log said the run is over ("Complete log", "Nothing to be done").
    private(set) var ended = false

    private var order: [String] = []
    private var totals: [String: Int] = [:]
    private var total: Int?
    private var done = 0
    private var jobs: [String: (rule: String, step: String)] = [:]
    private var finished: Set<String> = []
    private var failedJobs: [(id: String, rule: String, step: String)] = []
    private var counts: [String: (done: Int, failed: Int)] = [:]
    private var startedPhases: Set<String> = []
    private var endedPhases: Set<String> = []
    private var errors: [String] = []
    private var canceled = false
    /// The time of the lines being read: Snakemake's stamps while catching up with what was
    /// written before (the stamps have whole seconds), the follower's clock once `live`.
    var now: Double = Date().timeIntervalSince1970
    var live = false

    private enum Block {
        case none
        case stats
        case rule(String, [String: String])
        case error(String, [String: String])
    }
    private var block = Block.none

    init(job: String, name: String, labels: [String: String], logLines: @escaping (String) -> [String]) {
        self.job = job; self.name = name; self.labels = labels; self.logLines = logLines
    }

    /// The events one more line of the log means.
    mutating func feed(_ raw: String) -> [Event] {
        let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
        var out: [Event] = []
        if case .stats = block {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                block = .none
                if !started { out += start() }
            } else {
                statsRow(line)
            }
            return out
        }
        let indented = line.first == " " || line.first == "\t"
        if indented, !line.trimmingCharacters(in: .whitespaces).isEmpty {
            switch block {
            case .rule(let r, var f): Self.field(line, into: &f); block = .rule(r, f); return out
            case .error(let r, var f): Self.field(line, into: &f); block = .error(r, f); return out
            default: break
            }
        }
        out += closeBlock()
        let text = line.trimmingCharacters(in: .whitespaces)
        if text == "Job stats:" || text == "Job counts:" {
            block = .stats
        } else if let stamp = Self.stamp(text) {
            if !live { now = stamp }
        } else if let rule = Self.ruleHeader(text) {
            block = .rule(rule, [:])
        } else if text.hasPrefix("Error in rule "), text.hasSuffix(":") {
            block = .error(String(text.dropFirst("Error in rule ".count).dropLast()), [:])
        } else if let id = Self.finishedJob(text) {
            out += finish(jobID: id)
        } else if let (d, t) = Self.steps(text) {
            done = d
            total = t
        } else if text.contains("on user request") || text.hasPrefix("Will exit after finishing currently running jobs") {
            // Ctrl-C (SIGINT), SIGTERM.
            canceled = true
        } else if text.hasPrefix("Complete log") || text.hasPrefix("Nothing to be done") {
            ended = true
        } else if text.hasPrefix("Exiting because a job execution failed") || Self.isErrorName(text) {
            errors.append(text)
        }
        return out
    }

    /// All that was written is read: a job's block is whole (Snakemake writes it at once),
    /// so it means its job now, not when the next line comes.
    mutating func caughtUp() -> [Event] { closeBlock() }

    /// The job's end, as far as the log tells it: canceled, failed or completed. Jobs that never
    /// ran stay work left, not `skipped` (work found done): their rule's phase stays pending.
    mutating func end() -> [Event] {
        var out = closeBlock()
        if !started {
            guard !errors.isEmpty else { return out }  // nothing to be done
            out += start()
        }
        let status: JobState
        var error: String?
        if canceled {
            status = .canceled; error = "Snakemake was stopped (interrupted)"
        } else if !failedJobs.isEmpty {
            status = .failed
            error = "\(failedJobs.count) of \(total ?? jobs.count) jobs failed: " + failedJobs.prefix(5).map { "\($0.rule) \($0.step)" }.joined(separator: "; ")
        } else if let last = errors.last {
            status = .failed; error = last
        } else if let total, done < total {
            status = .failed; error = "Snakemake stopped after \(done) of \(total) jobs"
        } else {
            status = .completed
        }
        out.append(event(.jobEnd(.init(status: status, error: error))))
        return out
    }

    // MARK: - What the lines mean

    private func event(_ body: Event.Body) -> Event { Event(job: job, ts: now, body) }

    private mutating func start() -> [Event] {
        started = true
        var s = Event.JobStart(name: name, phases: order.map { .init(id: $0) }, labels: labels)
        if let pid { s.pid = pid } else { s.unwatched = true }  // never the follower's own process
        return [event(.jobStart(s))]
    }

    private mutating func statsRow(_ line: String) {
        let cells = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard cells.count >= 2 else { return }
        // 7 to 9: "rule  count ..."; older: "count  rule".
        let (rule, n): (String, Int)
        if let c = Int(cells[1]) { (rule, n) = (cells[0], c) } else if let c = Int(cells[0]) { (rule, n) = (cells[1], c) } else { return }
        if rule == "total" { total = n; return }
        guard n > 0 else { return }
        if totals[rule] == nil { order.append(rule) }
        totals[rule] = n
    }

    private mutating func closeBlock() -> [Event] {
        let b = block
        block = .none
        switch b {
        case .rule(let rule, let f): return jobStarted(rule: rule, fields: f)
        case .error(let rule, let f): return jobFailed(rule: rule, fields: f)
        default: return []
        }
    }

    private mutating func jobStarted(rule: String, fields: [String: String]) -> [Event] {
        guard let id = fields["jobid"] else { return [] }
        var out = started ? [] : start()
        let step = Self.stepName(fields["wildcards"], id: id)
        jobs[id] = (rule, step)
        if !startedPhases.contains(rule) {
            startedPhases.insert(rule)
            out.append(event(.phaseStart(.init(phase: rule, total: totals[rule]))))
        }
        out.append(event(.step(.init(phase: rule, step: step, state: .running))))
        return out
    }

    private mutating func finish(jobID id: String) -> [Event] {
        guard started, let (rule, step) = jobs[id], !finished.contains(id) else { return [] }
        finished.insert(id)
        var c = counts[rule] ?? (0, 0)
        c.done += 1
        counts[rule] = c
        return [event(.step(.init(phase: rule, step: step, state: .done))),
                event(.progress(.init(phase: rule, done: c.done)))] + phaseEndIfAllIn(rule)
    }

    private mutating func jobFailed(rule: String, fields: [String: String]) -> [Event] {
        guard let id = fields["jobid"], !failedJobs.contains(where: { $0.id == id }) else { return [] }
        var out = started ? [] : start()
        let step = jobs[id]?.step ?? Self.stepName(fields["wildcards"], id: id)
        failedJobs.append((id, rule, step))
        // "log: a.log, b.log (check log file(s) for error details)"
        let logs = (fields["log"] ?? "").components(separatedBy: " (")[0]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let lines = logs.flatMap(logLines)
        var c = counts[rule] ?? (0, 0)
        c.failed += 1
        counts[rule] = c
        if !startedPhases.contains(rule) {
            startedPhases.insert(rule)
            out.append(event(.phaseStart(.init(phase: rule, total: totals[rule]))))
        }
        out.append(event(.step(.init(phase: rule, step: step, state: .failed, detail: lines.isEmpty ? "failed" : lines.joined(separator: "\n")))))
        out.append(event(.progress(.init(phase: rule, failed: c.failed))))
        let whereLog = logs.isEmpty ? "" : " (log \(logs.joined(separator: ", ")))"
        out.append(event(.log(.init(level: .error, message: "\(rule) \(step) failed\(whereLog)" + (lines.isEmpty ? "" : ":\n" + lines.joined(separator: "\n")), phase: rule))))
        return out + phaseEndIfAllIn(rule)
    }

    private mutating func phaseEndIfAllIn(_ rule: String) -> [Event] {
        guard let t = totals[rule], let c = counts[rule], c.done + c.failed >= t, !endedPhases.contains(rule) else { return [] }
        endedPhases.insert(rule)
        if c.failed > 0 {
            let steps = failedJobs.filter { $0.rule == rule }.prefix(5).map(\.step).joined(separator: "; ")
            return [event(.phaseEnd(.init(phase: rule, status: .failed, error: "\(c.failed) of \(t) jobs failed: \(steps)")))]
        }
        return [event(.phaseEnd(.init(phase: rule, status: .done)))]
    }

    // MARK: - Line shapes

    /// "    jobid: 7" into fields["jobid"] = "7".
    private static func field(_ line: String, into f: inout [String: String]) {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard let colon = t.range(of: ": ") else { return }
        let key = String(t[..<colon.lowerBound])
        if f[key] == nil { f[key] = String(t[colon.upperBound...]) }
    }

    /// "rule qc:", "localrule qc:", "checkpoint x:", "localcheckpoint x:".
    static func ruleHeader(_ t: String) -> String? {
        guard t.hasSuffix(":"), !t.contains(" in ") else { return nil }
        for prefix in ["localrule ", "rule ", "localcheckpoint ", "checkpoint "] where t.hasPrefix(prefix) {
            let name = t.dropFirst(prefix.count).dropLast()
            return name.isEmpty || name.contains(" ") ? nil : String(name)
        }
        return nil
    }

    /// "Finished job 7." (Snakemake 7, 8) or "Finished jobid: 7 (Rule: qc)" (9).
    static func finishedJob(_ t: String) -> String? {
        for prefix in ["Finished jobid: ", "Finished job "] where t.hasPrefix(prefix) {
            let id = t.dropFirst(prefix.count).prefix(while: \.isNumber)
            return id.isEmpty ? nil : String(id)
        }
        return nil
    }

    /// "8 of 11 steps (73%) done".
    static func steps(_ t: String) -> (Int, Int)? {
        let w = t.split(separator: " ")
        guard w.count >= 5, w[1] == "of", w[3] == "steps", let d = Int(w[0]), let n = Int(w[2]) else { return nil }
        return (d, n)
    }

    /// "WorkflowError:", "MissingInputException in rule all ...": an exception's first line.
    static func isErrorName(_ t: String) -> Bool {
        let word = t.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
        guard let first = word.first, first.isUppercase, word.count < t.count else { return false }
        let next = t[word.endIndex]
        return (word.hasSuffix("Error") || word.hasSuffix("Exception")) && (next == ":" || next == " ")
    }

    /// "sample=a, lane=1" as is (the plugin names steps the same way), else "job 7".
    static func stepName(_ wildcards: String?, id: String) -> String {
        if let w = wildcards?.trimmingCharacters(in: .whitespaces), !w.isEmpty { return w }
        return "job \(id)"
    }

    /// "[Wed Dec  2 01:20:11 2026]", in local time.
    static func stamp(_ t: String) -> Double? {
        guard t.hasPrefix("["), t.hasSuffix("]"), t.count > 20 else { return nil }
        let words = t.dropFirst().dropLast().split(separator: " ").joined(separator: " ")
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE MMM d HH:mm:ss yyyy"
        return f.date(from: words)?.timeIntervalSince1970
    }
}
