import ArgumentParser
import Foundation
import PipetopCore
import PipetopWire

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the finished runs of a pipeline (or of every pipeline).",
        discussion: """
        A pipeline is a job's `pipeline` label, else its name. The engine keeps the last 200 runs of each; each with its status, duration, items and per-phase durations.

        Examples:
          pipetop history
          pipetop history "nightly import" --json
        """)

    @Argument(help: "The pipeline, or a job's id or name (its pipeline; default: all).")
    var pipeline: String?

    @Flag(name: .long, help: "Print JSON: {pipeline: [runs]} with per-phase durations.")
    var json = false

    @OptionGroup var socketOptions: SocketOptions

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let (state, _) = try StateReader.read(socket: socketOptions.resolved, db: database.path, command: "history", preferDatabase: database.db != nil)
        var history = state.history
        if let p = pipeline {
            // A pipeline's name, else a job's id or name standing for its pipeline.
            let pipeline = history[p] != nil ? p : state.jobID(for: p).flatMap { state[job: $0] }.map(RunSummary.pipeline(of:)) ?? p
            guard let runs = history[pipeline] else { throw CLIError("pipetop history: no finished runs of '\(p)'") }
            history = [pipeline: runs]
        }
        if json {
            let data = try JSONEncoder().encode(history)
            Swift.print(String(decoding: data, as: UTF8.self))
            return
        }
        for (name, runs) in history.sorted(by: { $0.key < $1.key }) {
            print("\(name): \(runs.count) run\(runs.count == 1 ? "" : "s")")
            for r in runs.reversed() {
                let phases = r.phases.map { "\($0.name) \(Format.duration($0.duration))" }.joined(separator: ", ")
                print("  \(Report.iso(r.startedAt))  \(r.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                      + "\(Format.duration(r.duration).padding(toLength: 7, withPad: " ", startingAt: 0)) \(r.done) done"
                      + (r.failed > 0 ? ", \(r.failed) failed" : "") + "  [\(phases)]" + (r.error.map { "  \($0)" } ?? ""))
            }
        }
    }
}

/// Every text line this command prints is made terminal-safe (`TerminalSafe`); JSON goes out
/// exact through `Swift.print`.
private func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalSafe.text(text), terminator: terminator)
}
