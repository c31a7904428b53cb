import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopStore
import PipetopWire

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a job's whole record, every event, as JSON lines.",
        discussion: """
        Reads the database (the engine may be running). Each line is a protocol event with `ts` set to when the engine applied it, so `pipetop replay` rebuilds the job as it was.

        Examples:
          pipetop export import-42 > import-42.jsonl
          pipetop replay import-42.jsonl --socket /tmp/other.sock
        """)

    @Argument(help: "The job's id.")
    var job: String

    @OptionGroup var database: DatabaseOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let path = database.path
        guard path != ":memory:", FileManager.default.fileExists(atPath: path) else {
            throw CLIError("pipetop export: no database at \(path) (an engine started with --db :memory: keeps no record)")
        }
        let entries = try Store(path: path).entries(job: job)
        guard !entries.isEmpty else { throw CLIError("pipetop export: no events of job '\(job)' in \(path)") }
        var out = ""
        for e in entries {
            guard case .object(var m) = (try? JSONParser.parse(e.line)) ?? .null else { continue }
            if !m.contains(where: { $0.0 == "ts" }) { m.append(("ts", .double(e.at))) }
            out += JSONWriter.string(.object(m)) + "\n"
        }
        if let output {
            try out.write(toFile: output, atomically: false, encoding: .utf8)
        } else {
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Send recorded events (JSON lines, e.g. from export) to the engine.",
        discussion: """
        As fast as the engine takes them, or paced by their timestamps with --speed (1 = as they happened, 10 = ten times faster). Refused lines are reported with their line number; the exit status is non-zero when any was.

        Examples:
          pipetop replay import-42.jsonl
          pipetop replay trace.jsonl --speed 20
        """)

    @Argument(help: "The file of JSON lines (- for standard input).")
    var file: String

    @Option(name: .long, help: ArgumentHelp("Pace by the events' ts, this many times faster than they happened.", valueName: "x"))
    var speed: Double?

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let conn: EngineConnection
        do { conn = try EngineConnection(path: socketOptions.resolved) } catch { throw CLIError("pipetop replay: \(error)") }
        defer { conn.close() }
        var previousTS: Double?
        var sent = 0
        var fileLine: [Int] = []  // the file's line number of each line sent
        for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            fileLine.append(number + 1)
            if let speed, speed > 0, case .some(.double(let ts)) = (try? JSONParser.parse(line))?["ts"] {
                if let p = previousTS, ts > p { Thread.sleep(forTimeInterval: min(60, (ts - p) / speed)) }
                previousTS = ts
            }
            try conn.send(line + "\n")
            sent += 1
        }
        let errors = try conn.sync(timeout: 30)
        for case .error(let n, let reason) in errors {
            let at = n >= 1 && n <= fileLine.count ? fileLine[n - 1] : n
            FileHandle.standardError.write(Data("pipetop replay: \(file):\(at): \(reason)\n".utf8))
        }
        if !errors.isEmpty { throw ExitCode(1) }
        FileHandle.standardError.write(Data("pipetop replay: \(sent) events applied\n".utf8))
    }
}
