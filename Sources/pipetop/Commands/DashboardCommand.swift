import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import Synchronization

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Show the dashboard (what `pipetop` with no subcommand does).",
        discussion: """
        Attaches to the engine on the socket if one is listening; otherwise starts an engine in this process (it stops when you quit; use `pipetop daemon` for one that stays).

        Keys: ↑↓ or j/k move, Enter opens a job or phase, Esc goes back, / filters, a acknowledges, ! lists alerts, ? shows every key, q quits.
        """)

    @OptionGroup var socketOptions: SocketOptions
    @OptionGroup var display: DisplayOptions
    @OptionGroup var engineOptions: EngineOptions

    func run() throws {
        let path = socketOptions.resolved
        if SocketPath.probe(path) == .live {
            // Another user's engine says so before the screen is taken.
            if let reason = EngineConnection.refusal(at: path) { throw CLIError("pipetop: \(reason)") }
            try DashboardRunner.run(source: RemoteSource(path: path, fps: display.effective(Config.load().0).fps), display: display)
            return
        }
        let server = try engineOptions.makeServer(socketPath: path, keepByDefault: true)
        do { try server.start() } catch { throw CLIError("pipetop: \(ErrorText.sentence(error))") }
        defer { server.stop() }
        // Standard error is the dashboard's terminal: its banner says what the log would.
        server.engine.journal?.logsToStderr.store(false, ordering: .relaxed)
        try DashboardRunner.run(source: LocalSource(server: server, fps: display.effective(Config.load().0).fps), display: display)
    }
}
