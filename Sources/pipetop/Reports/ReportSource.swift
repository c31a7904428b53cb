import Foundation
import PipetopClient
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
    /// With `alerts`, an alert's news counts too (raised, acknowledged, resolved after that).
    static func lastRecorded(_ state: PipelineState, alerts: Bool = false) -> Double? {
        let jobs = state.orderedJobs.map { $0.lastSeen(before: .infinity) }.max()
        guard alerts else { return jobs }
        let news = state.alerts.all.map { a in max(a.lastAt, a.resolvedAt ?? a.lastAt, a.ack?.at ?? a.lastAt) }.max()
        return [jobs, news].compactMap { $0 }.max()
    }

    /// Where a command's state came from (`StateReader.readWithSource`): the engine, else the
    /// file as of its last event. `askedForFile` (--db given): says whether an engine runs all
    /// the same on `socket`.
    static func of(fromDatabase: Bool, state: PipelineState, path: String, socket: String, askedForFile: Bool,
                   alerts: Bool = false) -> ReportSource {
        guard fromDatabase, let asOf = lastRecorded(state, alerts: alerts) else { return .engine }
        let running = askedForFile && (try? EngineConnection(path: socket)).map { $0.close(); return true } == true
        return .database(path: path, asOf: asOf, engineRunning: running)
    }

    /// The time the figures are as of: the file's last event, else `now` (live).
    func time(now: Double) -> Double {
        if case .database(_, let asOf, _) = self { return asOf }
        return now
    }

    /// Says where the figures are from before `command` prints them: a sentence first on
    /// stdout for text, a line on stderr for JSON and CSV (stdout stays the data). Nothing when live.
    func announce(_ command: String, now: Double, toStderr: Bool) {
        guard let note = note(now: now) else { return }
        if toStderr {
            FileHandle.standardError.write(Data(TerminalSafe.text("pipetop \(command): \(note)\n").utf8))
        } else {
            Swift.print(TerminalSafe.text(note.prefix(1).uppercased() + note.dropFirst() + "."))
        }
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
