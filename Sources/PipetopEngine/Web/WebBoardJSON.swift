import PipetopCore
import PipetopWire

/// The Board as the web API sends it: as protocol 3's `board` frame carries it, plus the
/// figures its viewers would otherwise work out for themselves, taken from the read model so
/// that the page says what the dashboard says and computes none of them: each job's `progress`
/// (`BoardJob.fraction`, the dashboard's bar), each phase's `progress` (`BoardPhase.fraction`;
/// left out when there is nothing to measure against) and `progressFacts`
/// (`BoardPhase.progressFacts`, as the dashboard's phase screen words them); a running
/// phase's `rateText` ("12 rows/s", "30 pages/min", `Format.rate`) and `etaText` ("ETA 4m",
/// "stalled 2m", `ETAWording.phase`), every started phase's `elapsedText`; and each job's
/// `nowText` ("train 428/1000", the overview's NOW column, `BoardJob.nowPhase`).
enum WebBoardJSON {
    static func encode(_ board: Board, now: Double) -> JSONValue {
        guard case .object(var top)? = try? JSONValueEncoder.encode(board) else { return .null }
        if let k = top.firstIndex(where: { $0.0 == "jobs" }), case .array(let jobs) = top[k].1 {
            top[k].1 = .array(zip(jobs, board.jobs).map { json, job in
                guard case .object(var m) = json else { return json }
                m.append(("progress", .double(rounded(job.fraction(at: now)))))
                // The engine's verdict (`BoardJob.isLost`), so the page does not work it out again.
                m.append(("lost", .bool(job.isLost)))
                if let p = job.nowPhase { m.append(("nowText", .string(p.name + (p.progressCounts.map { " " + $0 } ?? "")))) }
                if let i = m.firstIndex(where: { $0.0 == "phases" }), case .array(let phases) = m[i].1 {
                    m[i].1 = .array(zip(phases, job.phases).map { phase($0, $1, of: job, now: now) })
                }
                return .object(m)
            })
        }
        return .object(top)
    }

    private static func phase(_ json: JSONValue, _ p: BoardPhase, of job: BoardJob, now: Double) -> JSONValue {
        guard case .object(var m) = json else { return json }
        if let f = p.fraction { m.append(("progress", .double(rounded(f)))) }
        m.append(("progressFacts", .array(p.progressFacts.map { .string($0) })))
        // As the phase screen's title: rate and ETA while it runs (a lost job's phases have
        // neither: nothing is running any more), its time since it started.
        if p.state == .running && !job.isLost {
            if let r = p.rate { m.append(("rateText", .string(Format.rate(r, unit: p.unit)))) }
            let eta = ETAWording.phase(p, now: now, label: "ETA ").0
            if !eta.isEmpty { m.append(("etaText", .string(eta))) }
        }
        if let e = job.elapsed(of: p, at: now) { m.append(("elapsedText", .string(Format.duration(e)))) }
        return .object(m)
    }

    /// Three decimals: a tenth of a percent is finer than any bar shows.
    private static func rounded(_ f: Double) -> Double { (f * 1000).rounded() / 1000 }
}
