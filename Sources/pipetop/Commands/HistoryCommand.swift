import ArgumentParser
import Foundation
import PipetopCore
import PipetopUI
import PipetopWire

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Statistics and finished runs of a pipeline (or of every pipeline).",
        discussion: """
        Reads the running engine (else the database: then it says first that it is as of the last event recorded). A pipeline is a job's `pipeline` label, else its name. The engine keeps the last 200 runs of each; each with its status, duration, items and per-phase durations.

        Per pipeline: its runs and how many completed (the success rate), the durations of the completed runs (avg, min, max, p50, p95, p99; nearest rank) with a sparkline of them over the runs, and the same per phase (over the runs where it ended done; its success rate is done / (done + failed)), then the runs themselves, newest first. Durations under a second print in milliseconds. --json is documented in docs/REPORTS.md (schema pipetop.history/1).

        Examples:
          pipetop history
          pipetop history "nightly import" --since 7d
          pipetop history --since 2026-11-01 --until 2026-12-01 --json
        """)

    @Argument(help: "The pipeline, or a job's id or name (its pipeline; default: all).")
    var pipeline: String?

    @Option(name: .long, help: ArgumentHelp("Only runs that started at or after this: a date or ISO 8601 time (UTC unless it says), epoch seconds, or an age such as 7d, 12h, 30m.", valueName: "time"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Only runs that started before this (the same forms as --since).", valueName: "time"))
    var until: String?

    @Flag(name: .long, help: "Statistics only, without the list of runs.")
    var statsOnly = false

    @Flag(name: .long, help: "Print JSON (schema pipetop.history/1, docs/REPORTS.md).")
    var json = false

    @OptionGroup var socketOptions: SocketOptions

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let from = try since.map { try TimeArgument.parse($0, option: "--since") }
        let to = try until.map { try TimeArgument.parse($0, option: "--until") }
        if let from, let to, to <= from {
            throw CLIError("pipetop history: --until (\(Report.iso(to))) must come after --since (\(Report.iso(from)))")
        }
        let read = try StateReader.readWithSource(socket: socketOptions.resolved, db: database.path, command: "history",
                                                  preferDatabase: database.db != nil)
        let (state, now) = (read.state, read.now)
        // From the file: said first, as `report` says it (the runs are history either way).
        let source = ReportSource.of(fromDatabase: read.fromDatabase, state: state, path: database.path,
                                     socket: socketOptions.resolved, askedForFile: database.db != nil)
        var history = state.history
        if let p = pipeline {
            // A pipeline's name, else a job's id or name standing for its pipeline.
            let pipeline = history[p] != nil ? p : state.jobID(for: p).flatMap { state[job: $0] }.map(RunSummary.pipeline(of:)) ?? p
            guard let runs = history[pipeline] else { throw CLIError("pipetop history: no finished runs of '\(p)'") }
            history = [pipeline: runs]
        }
        let stats = history.sorted { $0.key < $1.key }.map { RunStatistics(pipeline: $0.key, runs: $0.value, since: from, until: to) }
            .filter { !$0.runs.isEmpty || pipeline != nil }
        source.announce("history", now: now, toStderr: json)
        if json {
            Swift.print(JSONWriter.string(HistoryReport.json(stats, since: from, until: to, now: now)))
            return
        }
        if stats.allSatisfy({ $0.runs.isEmpty }) && (from != nil || to != nil) {
            throw CLIError("pipetop history: no runs started " + [from.map { "since \(Report.iso($0))" }, to.map { "before \(Report.iso($0))" }]
                .compactMap { $0 }.joined(separator: " and "))
        }
        // The sparkline's blocks where the locale can show them (as the dashboard decides).
        setlocale(LC_ALL, "")
        print(HistoryReport.text(stats, ascii: !localeIsUTF8(), listRuns: !statsOnly), terminator: "")
    }
}

/// Every text line this command prints is made terminal-safe (`TerminalSafe`); JSON goes out
/// exact through `Swift.print`.
private func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalSafe.text(text), terminator: terminator)
}
