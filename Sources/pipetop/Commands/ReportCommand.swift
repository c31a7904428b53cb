import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopStore
import PipetopWire

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report jobs as text, detailed text, JSON or CSV.",
        discussion: """
        From the engine on the socket, or straight from the database file when no engine runs (or with --db): then every figure is as of the last event recorded, which the report says first (on stderr for JSON and CSV), with no ETA, and a job that was running then reads "running when last seen". A lost job (its process gone with no end) reads lost in every format. JSON and CSV fields are documented in docs/REPORTS.md; CSV has one row per phase.

        Examples:
          pipetop report                      # every job, one paragraph each
          pipetop report import-42 --format detailed
          pipetop report --format csv > phases.csv
          pipetop report --format json | jq '.jobs[].phases[].duration_s'
        """)

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, detailed, json, csv }

    @Argument(help: "Jobs, by id or name (a name means its newest run; default: every job).")
    var jobs: [String] = []

    @Option(name: .long, help: "text, detailed, json or csv.")
    var format: ReportFormat = .text

    @OptionGroup var socketOptions: SocketOptions

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let read = try StateReader.readWithSource(socket: socketOptions.resolved, db: database.path, command: "report",
                                                  preferDatabase: database.db != nil)
        let state = read.state
        let ids = try jobs.map { try JobArgument.id($0, in: state, command: "report") }
        // From the file, every figure is as of its last event: the clock stopped there.
        let source = ReportSource.of(fromDatabase: read.fromDatabase, state: state, path: database.path,
                                     socket: socketOptions.resolved, askedForFile: database.db != nil)
        let board = BoardProjector.board(state, now: source.time(now: read.now), options: .everything)
        let selected = ids.isEmpty ? board.jobs : ids.compactMap { board[job: $0] }
        source.announce("report", now: read.now, toStderr: format == .json || format == .csv)
        switch format {
        case .json:
            Swift.print(JSONWriter.string(Report.json(board, jobs: selected, source: source, generatedAt: read.now)))
        case .csv:
            print(Report.csv(selected, now: board.at), terminator: "")
        case .text, .detailed:
            print(Report.text(board, jobs: selected, detailed: format == .detailed, source: source), terminator: "")
        }
    }

}

/// The engine's state for the commands that print it: from the engine on the socket (a
/// snapshot), or from the database file when no engine runs.
enum StateReader {
    /// The running engine's state, else the database's. `preferDatabase` (an explicit --db)
    /// reads the database even when an engine runs.
    static func read(socket: String, db path: String, command: String, preferDatabase: Bool = false) throws -> (PipelineState, Double) {
        let r = try readWithSource(socket: socket, db: path, command: command, preferDatabase: preferDatabase)
        return (r.state, r.now)
    }

    /// The state, the time it was read at, and whether it came from the database file (no
    /// engine running: nothing in it is live).
    static func readWithSource(socket: String, db path: String, command: String,
                               preferDatabase: Bool = false) throws -> (state: PipelineState, now: Double, fromDatabase: Bool) {
        var engine: EngineConnection?
        if !preferDatabase {
            do { engine = try EngineConnection(path: socket) } catch let e as ClientError where e.refused {
                throw CLIError("pipetop \(command): \(e)")  // not our engine: said, never read
            } catch {}
        }
        if let c = engine {
            defer { c.close() }
            try c.send(#"{"type":"state"}"# + "\n")
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                guard let line = try c.readLine(timeout: 1) else { continue }
                do {
                    if let answer = try StateReply.parse(line) { return (answer.0, answer.1, false) }
                } catch {
                    throw CLIError("pipetop \(command): the engine's state could not be read: \(error)")
                }
            }
            throw CLIError("pipetop \(command): the engine sent no state within 10 s")
        }
        // Say where both were looked for (`:memory:` from a caller that reads only the engine).
        guard path != ":memory:" else {
            if preferDatabase { throw CLIError("pipetop \(command): --db :memory: is no file to read; give a database file, or leave --db out to ask the running engine") }
            throw CLIError("pipetop \(command): no engine is listening on \(socket); start one with `pipetop daemon`, or give its --socket")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            if preferDatabase { throw CLIError("pipetop \(command): there is no database at \(path)") }
            throw CLIError("pipetop \(command): no engine is listening on \(socket), and there is no database at \(path)")
        }
        do { return (try Store.reading(path).restoreState().state, Date().timeIntervalSince1970, true) } catch {
            throw CLIError("pipetop \(command): \(Self.unreadable(path, error))")
        }
    }
}

extension StateReader {
    /// Why the database could not be read, as a sentence naming the file.
    static func unreadable(_ path: String, _ error: any Error) -> String {
        if let f = error as? StoreFailure { return "the database \(f)" }
        return "the database \(path) cannot be read (\(ErrorText.sentence(error)))"
    }
}

/// Every text line this command prints is made terminal-safe (`TerminalSafe`); JSON goes out
/// exact through `Swift.print`.
private func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalSafe.text(text), terminator: terminator)
}
