import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopWire

struct EmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Send one event to the engine (for shell scripts).",
        discussion: """
        Values are typed as JSON when they read as JSON (numbers, true/false, null, arrays, objects, "quoted strings"), else taken as text. The command waits until the engine has applied the event and exits non-zero with the engine's reason when it was refused. A job.start without pid= names the calling script, so its processes are sampled.

        Examples:
          pipetop emit job.start --job j1 name=import phases='["fetch","parse","load"]'
          pipetop emit phase.start --job j1 --phase fetch total=1000 unit=rows
          pipetop emit progress --job j1 --phase fetch done=250
          pipetop emit step --job j1 --phase fetch step=page-3 state=done
          pipetop emit log --job j1 level=warn message="retrying page 4"
          pipetop emit phase.end --job j1 --phase fetch status=done
          pipetop emit job.end --job j1 status=completed
        """)

    @Argument(help: "Event type: job.start, phase.start, progress, step, phase.end, checkpoint, log, metric, job.state, job.end.")
    var type: String

    @Option(name: .long, help: "The job's id.")
    var job: String

    @Option(name: .long, help: "The phase (for phase events).")
    var phase: String?

    @Argument(help: ArgumentHelp("Fields as key=value.", valueName: "key=value"))
    var fields: [String] = []

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        var members: [(String, JSONValue)] = [("type", .string(type)), ("job", .string(job))]
        if let phase { members.append(("phase", .string(phase))) }
        for f in fields {
            guard let eq = f.firstIndex(of: "="), eq != f.startIndex else {
                throw ValidationError("'\(f)' is not key=value")
            }
            let key = String(f[..<eq])
            members.removeAll { $0.0 == key }
            members.append((key, Self.typedValue(String(f[f.index(after: eq)...]))))
        }
        // A job started from a script: sample the script's process tree, but do not watch it
        // (in a Makefile it is a one-line shell that exits at once). pid= watches a process.
        if type == "job.start" && !members.contains(where: { $0.0 == "pid" || $0.0 == "sample_pid" }) {
            members.append(("sample_pid", .int(Int(getppid()))))
        }
        let line = JSONWriter.string(.object(members))
        let conn: EngineConnection
        do { conn = try EngineConnection(path: socketOptions.resolved) } catch { throw CLIError("pipetop emit: \(error)") }
        defer { conn.close() }
        let replies: [Reply]
        do {
            try conn.send(line + "\n")
            replies = try conn.sync()
        } catch {
            throw CLIError("pipetop emit: \(error)")
        }
        if let first = replies.first, case .error(_, let reason) = first {
            throw CLIError("pipetop emit: refused: \(reason)")
        }
    }

    /// `done=12` is a number, `ok=true` a boolean, `phases=["a"]` an array, `name=import` text.
    static func typedValue(_ text: String) -> JSONValue {
        if let v = try? JSONParser.parse(text) { return v }
        return .string(text)
    }
}
