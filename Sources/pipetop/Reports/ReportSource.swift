import PipetopCore

/// Where a report's figures come from: the running engine, as of now; or the database file
/// with no engine running, as of the last thing recorded in it. From the file nothing is
/// live: elapsed times stop there, no ETA counts down from that dead clock, and a job that
/// was running is said to have been running when last seen.
enum ReportSource: Equatable {
    case engine
    /// `engineRunning`: an engine answers on the socket (the file was asked for with --db).
    case database(path: String, asOf: Double, engineRunning: Bool = false)

    /// True when the figures are the engine's, live.
    var isLive: Bool { self == .engine }

    /// When the database's figures are from: the latest time any job was last seen (its
    /// last report, or the sampler's last reading of it); nil for a database with no jobs.
    static func lastRecorded(_ state: PipelineState) -> Double? {
        state.orderedJobs.map { $0.lastSeen(before: .infinity) }.max()
    }

    /// "as of 20:31:05 (3m12s ago), the last event recorded in FILE; no engine is running":
    /// what a report from the file says first (on stderr for JSON and CSV). nil when live.
    func note(now: Double) -> String? {
        guard case .database(let path, let asOf, let running) = self else { return nil }
        return "as of \(Format.clock(asOf)) (\(Format.duration(max(0, now - asOf))) ago), the last event recorded in \(path); "
            + (running ? "read from the file, not from the running engine, so nothing here is live"
                       : "no engine is running, so nothing here is live")
    }
}
