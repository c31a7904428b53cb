import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopStore
import PipetopWire

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a job's whole record, its events, as JSON lines.",
        discussion: """
        Reads the running engine's database file (the engine keeps running), else the one --db, $PIPETOP_DB or the default names. Each line is a protocol event with `ts` set to when the engine applied it, so `pipetop replay` rebuilds the job as it was. Progress is kept as the journal keeps it: of a run of counts to one phase (at most 50 ms of them), the first and the newest; every other event as it was sent.

        Examples:
          pipetop export import-42 > import-42.jsonl
          pipetop replay import-42.jsonl --socket /tmp/other.sock
        """)

    @Argument(help: "The job, by id or name (a name means its newest run's id; every run under that id is written).")
    var job: String

    @OptionGroup var database: DatabaseOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        var path = database.path
        // A running engine's own database is the one it writes, whichever this one would be.
        if database.db == nil, let health = try? StatusCommand.ask(socketOptions.resolved) {
            guard let own = health.database.path else {
                throw CLIError("pipetop export: the engine on \(socketOptions.resolved) keeps no record of events (it runs with --db :memory:), so there is nothing to export")
            }
            path = Self.absolute(own, pid: health.pid)
        }
        guard path != ":memory:" else { throw CLIError("pipetop export: --db :memory: is no file to read; give a database file") }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("pipetop export: there is no database at \(path) (and no engine is listening on \(socketOptions.resolved))")
        }
        var entries: [Store.Entry]
        do {
            let store = try Store.reading(path)
            entries = try store.entries(job: job)
            // Not an id with events: a name, resolved on the database's own state.
            if entries.isEmpty, let id = try store.restoreState().state.jobID(for: job), id != job { entries = try store.entries(job: id) }
        } catch { throw CLIError("pipetop export: \(StateReader.unreadable(path, error))") }
        guard !entries.isEmpty else { throw CLIError("pipetop export: no events of a job with the id or name '\(job)' in \(path)") }
        var out = ""
        for e in entries {
            guard case .object(var m) = (try? JSONParser.parse(e.line)) ?? .null else { continue }
            if !m.contains(where: { $0.0 == "ts" }) { m.append(("ts", .double(e.at))) }
            out += JSONWriter.string(.object(m)) + "\n"
        }
        if let output {
            do { try out.write(toFile: output, atomically: false, encoding: .utf8) } catch { throw CLIError("pipetop export: cannot write \(output): \(ErrorText.sentence(error))") }
        } else {
            do { try SafeWrite.write(out, to: 1) } catch { throw CLIError("pipetop export: cannot write the events to standard output: \(error)") }
        }
    }

    /// The engine's database path as this process can open it: a relative one is relative to
    /// the engine's working directory.
    static func absolute(_ path: String, pid: Int32) -> String {
        guard !path.hasPrefix("/"), path != ":memory:",
              let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return path }
        return cwd + "/" + path
    }
}
