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
            do { try out.write(toFile: output, atomically: false, encoding: .utf8) } catch { throw CLIError("pipetop export: cannot write \(output): \(ErrorText.sentence(error))") }
        } else {
            do { try SafeWrite.write(out, to: 1) } catch { throw CLIError("pipetop export: cannot write the events to standard output: \(error)") }
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Apply recorded events (JSON lines, e.g. from export) with the clock taken from their ts.",
        discussion: """
        With --db or --eta-trace the events are applied here, in this process, as fast as possible, each at the time its `ts` says (an event without ts takes the previous one's). With --db the result (and the history later runs are estimated from) is kept in that database, so replaying several runs of a pipeline in order teaches the estimator. --eta-trace writes, for each unfinished job, one JSON line per second of trace time: {ts, job, phase, done, total, eta_s, lo_s, hi_s, stalled}.

        Without either, the events go to the running engine (--socket), as fast as it takes them, or paced by their timestamps with --speed.

        Refused lines are reported with their line number; the exit status is non-zero when any was.

        Examples:
          pipetop replay run1.jsonl run2.jsonl --db /tmp/etl.db
          pipetop replay run3.jsonl --db /tmp/etl.db --eta-trace eta.jsonl
          pipetop replay import-42.jsonl --speed 20
        """)

    @Argument(help: "Files of JSON lines (- for standard input), applied in order.")
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Apply here and keep the result in this database.", valueName: "path"))
    var db: String?

    @Option(name: .customLong("eta-trace"), help: ArgumentHelp("Apply here and write each job's estimate once a second of trace time to this file.", valueName: "file"))
    var etaTrace: String?

    @Option(name: .long, help: ArgumentHelp("Send to the engine paced by the events' ts, this many times faster than they happened.", valueName: "x"))
    var speed: Double?

    @OptionGroup var socketOptions: SocketOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name a file of events (or - for standard input)") }
        if speed != nil && (db != nil || etaTrace != nil) {
            throw ValidationError("--speed paces events sent to an engine; with --db or --eta-trace they are applied here as fast as possible")
        }
    }

    /// The non-empty lines of a file, with their line numbers.
    static func lines(of file: String) throws -> [(number: Int, text: String)] {
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.trimmingCharacters(in: .whitespaces).isEmpty }.map { ($0.offset + 1, String($0.element)) }
    }

    func run() throws {
        if db != nil || etaTrace != nil { try applyHere() } else { try sendToEngine() }
    }

    /// Applies every event in this process with a clock that follows the events' ts.
    func applyHere() throws {
        let clock = ManualClock(0)
        let engine: Engine
        if let db {
            // A live engine's database is written by that engine alone: the events go to it.
            if let owner = DatabaseLock.owner(of: db), let socket = owner.socket, etaTrace == nil {
                SafeWrite.stderr("pipetop replay: \(db) belongs to \(owner.sentence); sending the events to it\n")
                return try sendToEngine(at: socket)
            }
            do {
                try DatabaseLock.acquire(db, socket: nil)
                engine = try Engine(clock: clock, store: try Store(path: db))
            } catch {
                throw CLIError("pipetop replay: \(ErrorText.sentence(error))")
            }
        } else {
            engine = Engine(clock: clock)
        }
        defer { engine.close() }
        var trace: FileHandle?
        if let etaTrace {
            guard FileManager.default.createFile(atPath: etaTrace, contents: nil), let h = FileHandle(forWritingAtPath: etaTrace) else {
                throw CLIError("pipetop replay: cannot write \(etaTrace)")
            }
            trace = h
        }
        defer { try? trace?.close() }
        var applied = 0, refused = 0
        var second: Double?  // the next whole second of trace time to write
        for file in files {
            for (number, line) in try Self.lines(of: file) {
                let event: Event
                switch EventDecoder.decode(line) {
                case .success(.event(let e)): event = e
                case .success: continue  // sync, subscribe, resume: nothing to apply offline
                case .failure(let error):
                    SafeWrite.stderr("pipetop replay: \(file):\(number): \(error)\n")
                    refused += 1
                    continue
                }
                if let ts = event.ts {
                    if let trace {
                        var s = second ?? ts.rounded(.up)
                        while s <= ts { writeTrace(engine, clock: clock, at: s, to: trace); s += 1 }
                        second = s
                    }
                    clock.set(ts)
                }
                if let error = engine.apply(event, line: line) {
                    SafeWrite.stderr("pipetop replay: \(file):\(number): \(error)\n")
                    refused += 1
                } else {
                    applied += 1
                }
            }
        }
        SafeWrite.stderr("pipetop replay: \(applied) events applied\(refused > 0 ? ", \(refused) refused" : "")\n")
        if refused > 0 { throw ExitCode(1) }
    }

    /// One line per unfinished job at trace time `t`.
    func writeTrace(_ engine: Engine, clock: ManualClock, at t: Double, to out: FileHandle) {
        clock.set(t)
        engine.tick()
        let state = engine.snapshot().state
        var text = ""
        for job in state.orderedJobs where !job.state.isTerminal && job.state != .pending {
            let p = job.phases.first { $0.state == .running }
            let left = job.eta?.shown?.left(now: t)
            func num(_ v: Double?) -> JSONValue { v.map { .double(($0 * 10).rounded() / 10) } ?? .null }
            let fields: [(String, JSONValue)] = [
                ("ts", .double(t)), ("job", .string(job.id)), ("phase", p.map { .string($0.id) } ?? .null),
                ("done", p.map { .int($0.accounted) } ?? .null), ("total", p?.effectiveTotal.map(JSONValue.int) ?? .null),
                ("eta_s", num(left?.eta)), ("lo_s", num(left?.lo)), ("hi_s", num(left?.hi)),
                ("stalled", .bool(Estimator.stall(job, now: t) != nil)),
            ]
            text += JSONWriter.string(.object(fields)) + "\n"
        }
        if !text.isEmpty { try? SafeWrite.write(text, to: out.fileDescriptor) }
    }

    /// Sends the events to the running engine (the one on --socket unless told).
    func sendToEngine(at socket: String? = nil) throws {
        let conn: EngineConnection
        do { conn = try EngineConnection(path: socket ?? socketOptions.resolved) } catch { throw CLIError("pipetop replay: \(error)") }
        defer { conn.close() }
        var previousTS: Double?
        var origin: [(file: String, line: Int)] = []  // where each line sent came from
        for file in files {
            for (number, line) in try Self.lines(of: file) {
                if let speed, speed > 0, case .some(.double(let ts)) = (try? JSONParser.parse(line))?["ts"] {
                    if let p = previousTS, ts > p { Thread.sleep(forTimeInterval: min(60, (ts - p) / speed)) }
                    previousTS = ts
                }
                try conn.send(line + "\n")
                origin.append((file, number))
            }
        }
        let errors = try conn.sync(timeout: 30)
        for case .error(let n, let reason) in errors {
            let at = n >= 1 && n <= origin.count ? "\(origin[n - 1].file):\(origin[n - 1].line)" : "line \(n)"
            SafeWrite.stderr("pipetop replay: \(at): \(reason)\n")
        }
        if !errors.isEmpty { throw ExitCode(1) }
        SafeWrite.stderr("pipetop replay: \(origin.count) events applied\n")
    }
}
