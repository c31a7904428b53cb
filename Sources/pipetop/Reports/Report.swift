import Foundation
import PipetopCore

/// Reports of jobs in four formats, all from the Board (projected from a live engine's
/// snapshot or the database), as pure functions: every figure and its wording is the Board's,
/// as on the dashboard and in /metrics. docs/REPORTS.md documents the JSON and CSV fields.
enum Report {
    static let schemaVersion = 1

    // MARK: JSON

    /// `generatedAt`: when the report is made, if not the board's time (from the database
    /// the board is as of its last event).
    static func json(_ b: Board, jobs: [BoardJob], source: ReportSource = .engine, generatedAt: Double? = nil) -> JSONValue {
        var m: [(String, JSONValue)] = [
            ("schema", .string("pipetop.report/\(schemaVersion)")),
            ("generated_at", .string(iso(generatedAt ?? b.at))),
            // From the database file with no engine running: the figures are as of its last
            // event (`as_of`), not live.
            ("source", .string(source.isLive ? "engine" : "database")),
        ]
        if case .database(_, let asOf, _) = source { m.append(("as_of", .string(iso(asOf)))) }
        m.append(("jobs", .array(jobs.map { job(b, $0, live: source.isLive) })))
        return .object(m)
    }

    /// A job's status as every viewer says it: `lost` for an unfinished job whose process
    /// went with no end (BoardJob.isLost), else its state.
    static func status(_ j: BoardJob) -> String { j.isLost ? "lost" : j.state.rawValue }
    /// A phase's: `lost` for one that was running in a lost job.
    static func status(_ p: BoardPhase, of j: BoardJob) -> String { j.isLost(p) ? "lost" : p.state.rawValue }

    static func job(_ b: Board, _ j: BoardJob, live: Bool = true) -> JSONValue {
        var m: [(String, JSONValue)] = [
            ("id", .string(j.id)), ("name", .string(j.name)), ("run", .int(j.run)), ("status", .string(status(j))),
            ("lost", .bool(j.isLost)),
            ("started_at", .string(iso(j.startedAt))), ("ended_at", j.endedAt.map { .string(iso($0)) } ?? .null),
            ("duration_s", .double(round3(j.elapsed(at: b.at)))), ("progress", .double(round3(j.fraction(at: b.at)))),
            ("error", j.error.map(JSONValue.string) ?? .null), ("pid", j.pid.map { .int(Int($0)) } ?? .null),
            ("labels", .object(j.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("eta", live ? eta(j, now: b.at) : .null),
            ("phases", .array(j.phases.map { phase($0, of: j, now: b.at, live: live) })),
            ("checkpoints", .array(j.checkpoints.map { c in
                .object([("name", .string(c.name)), ("at", .string(iso(c.at))), ("done", .int(c.done)), ("failed", .int(c.failed)),
                         ("data", c.data ?? .null)])
            })),
            ("alerts", .array(b.alerts.filter { $0.job == j.id }.map(alert))),
            ("metrics", .array((j.metrics ?? []).map { x in
                .object([("name", .string(x.name)), ("phase", x.phase.map(JSONValue.string) ?? .null), ("kind", .string(x.kind.rawValue)),
                         ("value", .double(x.value)), ("at", .string(iso(x.at)))])
            })),
        ]
        m.append(("errors", .int(j.errorCount)))
        m.append(("warnings", .int(j.tally?.warnings ?? 0)))
        m.append(("categories", .object((j.tally?.ranked ?? []).map { ($0.name, .int($0.count)) })))
        m.append(("artifacts", .array((j.artifacts ?? []).map { a in
            .object([("name", .string(a.name)), ("location", a.location.map(JSONValue.string) ?? .null), ("size", a.size.map(JSONValue.int) ?? .null),
                     ("phase", a.phase.map(JSONValue.string) ?? .null), ("at", .string(iso(a.at)))])
        })))
        if let d = j.deadline {
            m.append(("deadline", .object([("due", .string(iso(d.due))), ("source", .string(d.source))])))
        }
        // Queued jobs only (`job.start` with state pending): how long it waited, or waits, to run.
        if let w = j.waited(at: b.at) { m.append(("waited_s", .double(round3(w)))) }
        if let r = j.resources {
            m.append(("resources", .object([
                ("cpu_seconds", .double(round3(r.cpuSeconds))), ("peak_rss_bytes", r.peakRSSSeen.map(JSONValue.int) ?? .null),
                ("read_bytes", .int(r.readBytes)), ("write_bytes", .int(r.writeBytes)),
                ("cpu_percent_now", r.cpuNow.map { .double(round3($0)) } ?? .null),
                ("rss_bytes_now", r.rssNow.map { .int($0) } ?? .null),
            ])))
        } else {
            m.append(("resources", .null))
        }
        return .object(m)
    }

    /// The job's estimate as shown: time left, its 80% range, when that is, how sure.
    static func eta(_ j: BoardJob, now: Double) -> JSONValue {
        guard !j.state.isTerminal, !j.isLost, let e = j.eta else { return .null }
        let stalled: JSONValue = j.stalled(at: now).map { .double(round3($0)) } ?? .null
        let left = e.left(at: now)
        let fields: [(String, JSONValue)] = [
            ("remaining_s", .double(round3(left.remaining))), ("low_s", .double(round3(left.low))), ("high_s", .double(round3(left.high))),
            ("finish_at", .string(iso(now + left.remaining))), ("confidence", .string(e.confidence.rawValue)),
            ("stalled_s", stalled), ("paused", .bool(j.state == .paused)),
        ]
        return .object(fields)
    }

    /// `live`: false for figures from the database with no engine (no ETA from a dead clock).
    static func phase(_ p: BoardPhase, of j: BoardJob, now: Double, live: Bool = true) -> JSONValue {
        let u = p.usage
        // A lost phase has no rate or ETA: nobody knows whether it still goes.
        let lost = j.isLost(p)
        let eta: JSONValue = live && !lost ? p.eta(at: now).map { .double(round3($0)) } ?? .null : .null
        let peak: JSONValue = p.peakRate.map { .double(round3($0)) } ?? .null
        let fields: [(String, JSONValue)] = [
            ("id", .string(p.id)), ("name", .string(p.name)), ("status", .string(status(p, of: j))),
            ("done", .int(p.done)), ("failed", .int(p.failed)), ("skipped", .int(p.skipped)),
            ("total", p.total.map(JSONValue.int) ?? .null), ("unit", p.unit.map(JSONValue.string) ?? .null),
            ("started_at", p.startedAt.map { .string(iso($0)) } ?? .null), ("ended_at", p.endedAt.map { .string(iso($0)) } ?? .null),
            ("duration_s", j.elapsed(of: p, at: now).map { .double(round3($0)) } ?? .null),
            ("rate_per_s", lost ? .null : p.averageRate(at: now, skew: j.skew).map { .double(round3($0)) } ?? .null),
            // The recent rate, as the dashboard's RATE column and /metrics show it (running phases).
            ("rate_now_per_s", lost ? .null : p.rate.map { .double(round3($0)) } ?? .null),
            ("eta_s", eta), ("peak_rate_per_s", peak),
            ("errors", .int(p.errorCount)), ("retries", .int(p.retries)), ("error", p.error.map(JSONValue.string) ?? .null),
            ("steps", .object([("kept", .int(p.steps.kept)), ("failed", .int(p.steps.failed)), ("dropped", .int(p.steps.dropped))])),
            ("cpu_seconds", u.map { .double(round3($0.cpuSeconds)) } ?? .null),
            ("cpu_percent_avg", u?.averageCPU.map { .double(round3($0)) } ?? .null),
            ("cpu_percent_peak", u.map { .double(round3($0.peakCPU)) } ?? .null),
            ("peak_rss_bytes", u?.peakRSSSeen.map(JSONValue.int) ?? .null),
            ("read_bytes", u.map { .int($0.readBytes) } ?? .null), ("write_bytes", u.map { .int($0.writeBytes) } ?? .null),
        ]
        return .object(fields)
    }

    static func alert(_ a: Alert) -> JSONValue {
        .object([
            ("id", .string(a.id)), ("severity", .string(a.severity.rawValue)), ("phase", a.phase.map(JSONValue.string) ?? .null),
            ("kind", .string(a.kind)), ("message", .string(a.message)), ("count", .int(a.count)),
            ("first_at", .string(iso(a.firstAt))), ("last_at", .string(iso(a.lastAt))),
            ("resolved_at", a.resolvedAt.map { .string(iso($0)) } ?? .null),
            ("acknowledged_by", a.ack.map { .string($0.by) } ?? .null),
            ("acknowledged_at", a.ack.map { .string(iso($0.at)) } ?? .null),
            ("details", .array((a.details ?? []).map(JSONValue.string))),
        ])
    }

    // MARK: CSV

    /// Header and one row per phase; names follow Nextflow's trace where they mean the same
    /// (`status`, `realtime`, `%cpu`, `peak_rss`, `read_bytes`, `write_bytes`).
    static let csvColumns = ["job", "job_name", "run", "phase", "phase_name", "status", "start", "complete", "realtime",
                             "done", "failed", "skipped", "total", "unit", "rate_per_s", "%cpu", "cpu_seconds", "peak_rss",
                             "read_bytes", "write_bytes", "errors", "error"]

    static func csv(_ jobs: [BoardJob], now: Double) -> String {
        var out = csvColumns.joined(separator: ",") + "\n"
        for j in jobs {
            for p in j.phases {
                let u = p.usage
                let fields: [String] = [
                    j.id, j.name, "\(j.run)", p.id, p.name, status(p, of: j),
                    p.startedAt.map(iso) ?? "", p.endedAt.map(iso) ?? "", j.elapsed(of: p, at: now).map { num($0) } ?? "",
                    "\(p.done)", "\(p.failed)", "\(p.skipped)", p.total.map(String.init) ?? "", p.unit ?? "",
                    j.isLost(p) ? "" : p.averageRate(at: now, skew: j.skew).map { num($0) } ?? "", u?.averageCPU.map { num($0) } ?? "", u.map { num($0.cpuSeconds) } ?? "",
                    u?.peakRSSSeen.map { "\($0)" } ?? "", u.map { "\($0.readBytes)" } ?? "", u.map { "\($0.writeBytes)" } ?? "",
                    "\(p.errorCount)", p.error ?? "",
                ]
                out += fields.map(csvField).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: text

    /// `source`: from the database, the figures are as of its last event (`b.at`), and a
    /// job that was running then is said to have been, with no ETA.
    static func text(_ b: Board, jobs: [BoardJob], detailed: Bool, source: ReportSource = .engine) -> String {
        let now = b.at
        let live = source.isLive
        var out = ""
        for j in jobs {
            let unfinished = !live && !j.state.isTerminal && !j.isLost
            out += "\(j.name) (\(j.id)\(j.run > 1 ? ", run \(j.run)" : "")): \(status(j))\(unfinished ? " when last seen" : ""), "
            // A queued job has no progress or elapsed time yet: only its wait ("waiting to run for 4m").
            if j.state != .pending { out += "\(Format.percent(j.fraction(at: b.at))), \(Format.duration(j.elapsed(at: now)))" }
            // No ETA from the database: its clock stopped at the last event.
            let sentence = live || j.state == .pending ? ETAWording.sentence(j, now: now) : ""
            out += (j.state == .pending ? String(sentence.dropFirst(2)) : sentence)
                + (j.error.map { ", error: \($0)" } ?? "") + "\n"
            if let ms = j.metrics, !ms.isEmpty {
                let shown = ms.map { m -> String in
                    let name = m.phase.map { "\(m.name) (\($0))" } ?? m.name
                    return name + " " + m.shown
                }
                out += "  metrics  " + shown.joined(separator: ", ") + "\n"
            }
            if let line = LogTallyText.line(errors: j.errorCount, tally: j.tally) { out += "  log      " + line + "\n" }
            for a in j.artifacts ?? [] {
                out += "  artifact \(a.name)" + (a.size.map { " (\(Format.bytes($0)))" } ?? "") + (a.location.map { "  \($0)" } ?? "")
                    + (a.phase.map { "  [\($0)]" } ?? "") + "\n"
            }
            if let d = j.deadline, !j.state.isTerminal { out += "  deadline \(Format.finish(d.due, now: now)) (\(d.source))\n" }
            for p in j.phases {
                var line = "  \(status(p, of: j).padding(toLength: 8, withPad: " ", startingAt: 0)) \(p.name)"
                // Counts, percent, failed and skipped items as every screen says them.
                let facts = p.progressFacts
                if !facts.isEmpty { line += "  " + facts.joined(separator: ", ") }
                if let e = j.elapsed(of: p, at: now) { line += ", \(Format.duration(e))" }
                // A lost phase has no rate or ETA: nobody knows whether it still goes.
                let lost = j.isLost(p)
                if !lost, let r = p.averageRate(at: now, skew: j.skew) { line += ", \(Format.rate(r, unit: p.unit))" }
                if p.state == .running && !lost && live {
                    if let idle = p.stalled(at: now) { line += ", stalled \(Format.duration(idle))" }
                    else if let eta = p.eta(at: now) { line += ", ETA \(Format.duration(eta))" }
                }
                if let err = p.error { line += ", error: \(err)" }
                out += line + "\n"
                if detailed, let u = p.usage {
                    out += "           cpu \(String(format: "%.1f", u.cpuSeconds)) s (avg \(Int((u.averageCPU ?? 0).rounded()))%, peak \(Int(u.peakCPU.rounded()))%), "
                    out += "peak rss \(Format.peakRSS(u.peakRSSSeen)), read \(Format.bytes(u.readBytes)), write \(Format.bytes(u.writeBytes))\n"
                }
                if detailed {
                    for step in p.steps.items ?? [] where step.state == .failed {
                        out += "           failed step \(step.id)" + (step.detail.map { ": \($0)" } ?? "") + "\n"
                    }
                }
            }
            if detailed {
                if let c = j.checkpoints.last { out += "  last checkpoint: \(c.name) at \(iso(c.at)), \(c.done) done\n" }
                for a in b.alerts where a.job == j.id {
                    out += "  alert \(a.severity.rawValue): \(a.message)" + (a.count > 1 ? " (×\(a.count))" : "")
                    out += a.resolvedAt != nil ? " [resolved]" : a.ack.map { " [acknowledged by \($0.by)]" } ?? ""
                    out += "\n"
                }
                for l in j.logs.suffix(10) { out += "  \(iso(l.at)) \(l.level.rawValue) \(l.message)\n" }
            }
        }
        return out
    }

    // MARK: helpers

    static func iso(_ t: Double) -> String { Format.iso8601(t) }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
    static func num(_ v: Double) -> String { String(format: "%.3f", v) }
}
