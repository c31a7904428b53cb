import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopWire

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Say whether the engine is healthy, and why not; exit 0 healthy, 1 degraded, 2 unhealthy or not running.",
        discussion: """
        Asks the engine on the socket how it is: its database (writable, events waiting for the disk), its /proc sampler, its notification queues, its viewers, version, uptime and jobs by state, with the queue of waiting jobs. Degraded: something needs a look but nothing reported is lost yet (the database cannot be written and events wait in memory; the journal is behind; the sampler has stopped; notifications back up or keep failing). Unhealthy: events are being refused. No engine on the socket is exit status 2 too: a script or a monitor should treat 2 as "down" (start one with `pipetop daemon`), 1 as "look at it", 0 as fine.

        Examples:
          pipetop status
          pipetop status --json | jq .reasons
          pipetop status >/dev/null || echo "pipetop needs a look"
        """)

    @Flag(name: .long, help: "Print JSON (schema pipetop.status/1, docs/PROTOCOL.md).")
    var json = false

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        let socket = socketOptions.resolved
        let health: EngineHealth
        do {
            health = try Self.ask(socket)
        } catch let why as CLIError {
            // No answer is "down" for a monitor: exit 2, with the reason on stderr (and on
            // stdout as JSON, so that a script reading it always gets an object).
            if json {
                Swift.print(JSONWriter.string(.object([
                    ("schema", .string(EngineHealth.schema)), ("status", .string("unhealthy")),
                    ("reasons", .array([.object([("check", .string("engine")), ("status", .string("unhealthy")), ("message", .string(why.description))])])),
                    ("socket", .string(socket)),
                ])))
            }
            SafeWrite.stderr(TerminalSafe.text("pipetop status: \(why.description)\n"))
            throw ExitCode(2)
        }
        if json {
            Swift.print(JSONWriter.string(HealthReply.json(health)))
        } else {
            print(StatusText.text(health), terminator: "")
        }
        if health.status != .healthy { throw ExitCode(Int32(health.status.code)) }
    }

    /// The engine's answer to `{"type":"health"}`; a sentence when there is none.
    static func ask(_ socket: String) throws -> EngineHealth {
        let c: EngineConnection
        do { c = try EngineConnection(path: socket, connectTimeout: 5) } catch let e as ClientError where e.refused {
            throw CLIError("the engine on \(socket) refused this connection: \(e)")
        } catch let e as ClientError {
            switch SocketPath.probe(socket) {
            case .absent: throw CLIError("no engine is listening on \(socket) (there is no socket there); start one with `pipetop daemon`, or give its --socket")
            case .stale: throw CLIError("no engine is listening on \(socket) (the socket is left from an engine that stopped); start one with `pipetop daemon`, or give its --socket")
            default: throw CLIError(e.description)  // its sentence says what is in the way
            }
        } catch {
            throw CLIError("no engine is listening on \(socket): \(ErrorText.sentence(error))")
        }
        defer { c.close() }
        try c.send(#"{"type":"health"}"# + "\n")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let line = try c.readLine(timeout: 1) else { continue }
            if line.contains(#""type":"error""#) {
                throw CLIError("the engine on \(socket) does not answer health questions (an older pipetop?): \(line)")
            }
            do {
                if let h = try HealthReply.parse(line) { return h }
            } catch {
                throw CLIError("the engine's answer could not be read: \(error)")
            }
        }
        throw CLIError("the engine on \(socket) did not answer within 10 s: it may be stuck")
    }
}

/// Every text line this command prints is made terminal-safe (`TerminalSafe`); JSON goes out
/// exact through `Swift.print`.
private func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalSafe.text(text), terminator: terminator)
}
