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
        Values are typed as JSON when they read as JSON (numbers, true/false, null, arrays, objects, "quoted strings"), else taken as text. The event is stamped with the time it was emitted (ts=). The command waits until the engine has applied it (not for the disk) and exits non-zero with the engine's reason when the engine refused it (a bad field). With no engine (or another user's, or one that does not take connections) the event is kept in the spool ($XDG_STATE_HOME/pipetop/spool/, else ~/.local/state/pipetop/spool/; at most 64 MiB per user), to be delivered by the next engine on this socket (while events wait there, a new one joins them even when an engine answers, so they apply in the order they were emitted); one line says so on stderr (once: the emits after it are quiet until an engine has taken the spool) and the exit status is 0. An engine that takes the event but does not answer within 2 s is left to apply it later (exit 0, one line on stderr). --strict (PIPETOP_STRICT=1) fails instead in both cases; --quiet (PIPETOP_QUIET=1) silences the line. A job.start without pid= names the calling script, so its processes are sampled.

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

    @Flag(name: .long, help: "Fail (exit 1) when no engine takes the event, instead of keeping it in the spool (PIPETOP_STRICT=1 too).")
    var strict = false

    @Flag(name: .long, help: "Say nothing when the event goes to the spool (PIPETOP_QUIET=1 too).")
    var quiet = false

    /// How long the engine has to answer once it took the line (documented in the help).
    static let answerWait = 2.0
    /// How long a connect may wait for an engine whose listen queue is full.
    static let connectWait = 0.5

    func run() throws {
        // The event happened now, not when an engine gets it (it may wait in the spool).
        let now = Date().timeIntervalSince1970
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
        if !members.contains(where: { $0.0 == "ts" }) { members.append(("ts", .double(now))) }
        let line = JSONWriter.string(.object(members)) + "\n"
        let env = ProcessInfo.processInfo.environment
        let strict = self.strict || env["PIPETOP_STRICT"] == "1"
        let quiet = self.quiet || env["PIPETOP_QUIET"] == "1"
        let socket = socketOptions.resolved
        let delivery = EmitDelivery(socket: socket, connectWait: Self.connectWait, answerWait: Self.answerWait)
        // --strict wants the engine's own word on this event, not a place behind the spool.
        switch delivery.deliver(line, behindSpool: !strict) {
        case .applied:
            return
        case .refused(let reason):
            // The engine read the event and said no: the caller's bug, strict or not.
            throw CLIError("pipetop emit: refused: \(reason)")
        case .unanswered(let why):
            // The line is in the engine's socket: it is not spooled too (no doubles).
            if strict { throw CLIError("pipetop emit: \(why)") }
            if !quiet { Self.say("pipetop emit: \(why); the event was handed to it and is applied when it reads it") }
        case .behindSpool:
            // The outage (or the moment before the engine took the spool) was said already.
            let (kept, sayIt) = delivery.keep(line, because: nil)
            if !quiet && sayIt { Self.say("pipetop emit: \(kept)") }
        case .undelivered(let why):
            if strict { throw CLIError("pipetop emit: \(why)") }
            let (kept, sayIt) = delivery.keep(line, because: why)
            if !quiet && sayIt { Self.say("pipetop emit: \(why); \(kept)") }
        }
    }

    /// One line on standard error (a closed stderr must not fail the caller either).
    static func say(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// `done=12` is a number, `ok=true` a boolean, `phases=["a"]` an array, `name=import` text.
    static func typedValue(_ text: String) -> JSONValue {
        if let v = try? JSONParser.parse(text) { return v }
        return .string(text)
    }
}
