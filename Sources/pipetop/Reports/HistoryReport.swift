import Foundation
import PipetopCore

/// `pipetop history` as text and as JSON (schema `pipetop.history/1`, docs/REPORTS.md).
enum HistoryReport {
    static let schemaVersion = 1

    // MARK: text

    /// Per pipeline: the runs and their outcome, the durations' statistics, a table of the
    /// phases with a sparkline of their durations over the runs, then the runs themselves.
    static func text(_ all: [RunStatistics], ascii: Bool, listRuns: Bool) -> String {
        var out = ""
        for s in all {
            out += "\(s.pipeline): \(s.runs.count) run\(s.runs.count == 1 ? "" : "s")"
            var outcome = ["\(s.completed) completed"]
            if s.failed > 0 { outcome.append("\(s.failed) failed") }
            if s.canceled > 0 { outcome.append("\(s.canceled) canceled") }
            out += " (" + outcome.joined(separator: ", ") + ")" + (s.successRate.map { ", success \(percent($0))" } ?? "") + "\n"
            // Runs that had a deadline ([[sla]] or job.start): how many made it.
            let met = s.runs.filter { $0.deadlineMet == true }.count, missed = s.runs.filter { $0.deadlineMet == false }.count
            if met + missed > 0 {
                out += "  deadline  \(met) met, \(missed) missed (\(percent(Double(met) / Double(met + missed))) kept)"
                if let last = s.runs.last(where: { $0.deadlineMet == false }) { out += ", last missed \(Report.iso(last.startedAt))" }
                out += "\n"
            }
            if let d = s.durations {
                out += "  duration  " + figures(d) + "  " + Sparkline.text(s.series, ascii: ascii) + "\n"
            }
            if !s.phases.isEmpty {
                let width = max(5, min(24, s.phases.map { $0.name.count }.max() ?? 5))
                out += "  " + pad("phase", width) + "  runs    ok     avg     min     max     p50     p95     p99  durations\n"
                for p in s.phases {
                    var line = "  " + pad(p.name, width) + "  " + lpad("\(p.runs)", 4) + "  " + lpad(p.successRate.map(percent) ?? "-", 5)
                    if let d = p.durations {
                        for v in [d.avg, d.min, d.max, d.p50, d.p95, d.p99] { line += "  " + lpad(duration(v), 6) }
                        line += "  " + Sparkline.text(p.series, ascii: ascii)
                    } else {
                        line += String(repeating: " ", count: 6 * 8)
                    }
                    out += line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
                }
            }
            guard listRuns else { continue }
            for r in s.runs.reversed() {
                let phases = r.phases.map { "\($0.name) \(duration($0.duration))" }.joined(separator: ", ")
                out += "  \(Report.iso(r.startedAt))  \(pad(r.status.rawValue, 9)) \(pad(duration(r.duration), 7)) \(r.done) done"
                    + (r.failed > 0 ? ", \(r.failed) failed" : "") + "  [\(phases)]" + (r.error.map { "  \($0)" } ?? "") + "\n"
            }
        }
        return out
    }

    static func figures(_ d: RunStatistics.Durations) -> String {
        "avg \(duration(d.avg))  min \(duration(d.min))  max \(duration(d.max))  p50 \(duration(d.p50))  p95 \(duration(d.p95))  p99 \(duration(d.p99))"
    }

    /// As everywhere ("4m12s"), but under a second in milliseconds ("250ms"), not "0s".
    static func duration(_ s: Double?) -> String {
        guard let s, s.isFinite, s >= 0 else { return "-" }
        let ms = Int((s * 1000).rounded())
        return ms < 1000 ? "\(ms)ms" : Format.duration(s)
    }

    /// "100%", "83.3%".
    static func percent(_ r: Double) -> String {
        let p = (r * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p))%" : String(format: "%.1f%%", p)
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }

    // MARK: JSON

    static func json(_ all: [RunStatistics], since: Double?, until: Double?, now: Double) -> JSONValue {
        .object([
            ("schema", .string("pipetop.history/\(schemaVersion)")),
            ("generated_at", .string(Report.iso(now))),
            ("since", since.map { .string(Report.iso($0)) } ?? .null),
            ("until", until.map { .string(Report.iso($0)) } ?? .null),
            ("pipelines", .array(all.map(pipeline))),
        ])
    }

    static func pipeline(_ s: RunStatistics) -> JSONValue {
        .object([
            ("pipeline", .string(s.pipeline)),
            ("runs", .int(s.runs.count)), ("completed", .int(s.completed)), ("failed", .int(s.failed)), ("canceled", .int(s.canceled)),
            ("success_rate", s.successRate.map { .double(round4($0)) } ?? .null),
            ("deadline", deadline(s.runs)),
            ("duration_s", durations(s.durations)),
            ("phases", .array(s.phases.map { p in
                .object([
                    ("id", .string(p.id)), ("name", .string(p.name)), ("runs", .int(p.runs)), ("done", .int(p.done)),
                    ("failed", .int(p.failed)), ("skipped", .int(p.skipped)),
                    ("success_rate", p.successRate.map { .double(round4($0)) } ?? .null),
                    ("duration_s", durations(p.durations)),
                    ("durations_s", .array(p.series.map { .double(round3($0)) })),
                ])
            })),
            ("history", .array(s.runs.map(run))),
        ])
    }

    /// Met and missed among the runs that had a deadline; null when none had one.
    static func deadline(_ runs: [RunSummary]) -> JSONValue {
        let met = runs.filter { $0.deadlineMet == true }.count, missed = runs.filter { $0.deadlineMet == false }.count
        guard met + missed > 0 else { return .null }
        return .object([("met", .int(met)), ("missed", .int(missed)), ("compliance", .double(round4(Double(met) / Double(met + missed))))])
    }

    static func durations(_ d: RunStatistics.Durations?) -> JSONValue {
        guard let d else { return .null }
        return .object([("count", .int(d.count)), ("avg", .double(round3(d.avg))), ("min", .double(round3(d.min))), ("max", .double(round3(d.max))),
                        ("p50", .double(round3(d.p50))), ("p95", .double(round3(d.p95))), ("p99", .double(round3(d.p99)))])
    }

    static func run(_ r: RunSummary) -> JSONValue {
        .object([
            ("job", .string(r.job)), ("run", .int(r.run)), ("status", .string(r.status.rawValue)),
            ("started_at", .string(Report.iso(r.startedAt))), ("ended_at", .string(Report.iso(r.endedAt))),
            ("duration_s", .double(round3(r.duration))), ("done", .int(r.done)), ("failed", .int(r.failed)),
            ("error", r.error.map(JSONValue.string) ?? .null),
            ("due", r.due.map { .string(Report.iso($0)) } ?? .null), ("deadline_met", r.deadlineMet.map(JSONValue.bool) ?? .null),
            ("phases", .array(r.phases.map { p in
                .object([("id", .string(p.id)), ("name", .string(p.name)), ("status", .string(p.status.rawValue)),
                         ("duration_s", p.duration.map { .double(round3($0)) } ?? .null),
                         ("done", .int(p.done)), ("failed", .int(p.failed)), ("skipped", .int(p.skipped))])
            })),
        ])
    }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
    static func round4(_ v: Double) -> Double { (v * 10000).rounded() / 10000 }
}
