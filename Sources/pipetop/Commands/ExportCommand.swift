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
        Reads the database (the engine may be running). Each line is a protocol event with `ts` set to when the engine applied it, so `pipetop replay` rebuilds the job as it was. Progress is kept as the journal keeps it: of a run of counts to one phase (at most 50 ms of them), the first and the newest; every other event as it was sent.

        Examples:
          pipetop export import-42 > import-42.jsonl
          pipetop replay import-42.jsonl --socket /tmp/other.sock
        """)

    @Argument(help: "The job, by id or name (a name means its newest run's id; every run under that id is written).")
    var job: String

    @OptionGroup var database: DatabaseOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let path = database.path
        guard path != ":memory:", FileManager.default.fileExists(atPath: path) else {
            throw CLIError("pipetop export: no database at \(path) (an engine started with --db :memory: keeps no record)")
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
}
