import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopStore
import PipetopWire

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Print where a job can continue from: its last checkpoint.",
        discussion: """
        Asks the engine on the socket; when none is running, reads the database file. Prints the checkpoint's data (JSON) so a script can pick it up, or with --json the whole answer. Exit status 1 when the job has no checkpoint.

        Examples:
          cursor=$(pipetop resume import-42)  # e.g. {"cursor":"c2VjcmV0","page":500}
          pipetop resume import-42 --json
        """)

    @Argument(help: "The job, by id or name (a name means its newest run).")
    var job: String

    @Flag(name: .long, help: "Print the whole answer as JSON: job, state, run and checkpoint {name, at, phase, done, failed, data}.")
    var json = false

    @OptionGroup var socketOptions: SocketOptions

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let answer = try fromEngine() ?? fromDatabase()
        if json {
            print(JSONWriter.string(answer))
        } else if let c = answer["checkpoint"], c != .null {
            print(c["data"].map(JSONWriter.string) ?? "{}")
        }
        if answer["checkpoint"] == nil || answer["checkpoint"] == .null {
            let known = answer["known"] == .bool(true)
            let id = answer["job"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? job
            throw CLIError(known ? "pipetop resume: job '\(id)' has no checkpoint" : "pipetop resume: no job has the id or name '\(job)'")
        }
    }

    private func fromEngine() throws -> JSONValue? {
        let c: EngineConnection
        do { c = try EngineConnection(path: socketOptions.resolved) } catch let e as ClientError where e.refused {
            throw CLIError("pipetop resume: \(e)")  // not our engine: say so, never read its answer
        } catch { return nil }
        defer { c.close() }
        try c.send(JSONWriter.string(.object([("type", .string("resume")), ("job", .string(job))])) + "\n")
        guard let line = try c.readLine(timeout: 5), let v = try? JSONParser.parse(line), v["type"] == .string("resume") else {
            throw CLIError("pipetop resume: no answer from the engine")
        }
        return v
    }

    private func fromDatabase() throws -> JSONValue {
        let path = database.path
        guard path != ":memory:", FileManager.default.fileExists(atPath: path) else {
            throw CLIError("pipetop resume: no engine on the socket and no database at \(path)")
        }
        let state: PipelineState
        do { state = try Store.reading(path).restoreState().state } catch { throw CLIError("pipetop resume: \(StateReader.unreadable(path, error))") }
        return ResumeReply.json(job: job, state: state)
    }
}
