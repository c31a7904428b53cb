import ArgumentParser
import Foundation
import PipetopCore
import PipetopEngine
import Synchronization

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show the dashboard on a built-in simulated workload.",
        discussion: """
        Five pipelines of six phases with sub-steps, uneven rates, a failure, a stall and a skipped phase, fed to an engine over its real socket, each after four completed past runs (so estimates have ranges from the start); the training job's process is real (`pipetop demo-worker`, a fifth of a core and 16-128 MiB, ended with the demo), so its resource timelines move. The demo's engine listens on a private socket (shown in the footer) so your own engine is left alone; --socket feeds the engine there instead (starting one if none is listening).

        Examples:
          pipetop demo
          pipetop demo --ascii --color none
        """)

    @Option(name: .long, help: ArgumentHelp("Feed the engine on this socket instead of a private one.", valueName: "path"))
    var socket: String?

    @OptionGroup var display: DisplayOptions
    @OptionGroup var engineOptions: EngineOptions

    func run() throws {
        // The private socket lives in a directory only this user can enter, made fresh with
        // mkdtemp: a name another user could guess in /tmp could be theirs first.
        var privateDir: String?
        if socket == nil {
            var template = Array((NSTemporaryDirectory() + "pipetop-demo-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else {
                throw CLIError("pipetop demo: cannot make a private directory in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
            }
            privateDir = String(cString: made)
        }
        defer { if let privateDir { rmdir(privateDir) } }
        let path = socket ?? privateDir! + "/pipetop.sock"
        let workload = DemoWorkload(socket: path)
        if SocketPath.probe(path) == .live {
            workload.start()
            defer { workload.stop() }
            try DashboardRunner.run(source: RemoteSource(path: path, fps: display.effective(Config.load().0).fps), display: display)
            return
        }
        let server = try engineOptions.makeServer(socketPath: path, keepByDefault: false)
        do { try server.start() } catch { throw CLIError("pipetop demo: \(ErrorText.sentence(error))") }
        defer { server.stop() }
        // Standard error is the dashboard's terminal: its banner says what the log would.
        server.engine.journal?.logsToStderr.store(false, ordering: .relaxed)
        workload.start()
        defer { workload.stop() }
        try DashboardRunner.run(source: LocalSource(server: server, fps: display.effective(Config.load().0).fps), display: display)
    }
}
