import ArgumentParser
import Dispatch
import Foundation
import PipetopCore
import PipetopEngine

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the tracker engine without a screen.",
        discussion: """
        For a tmux pane, systemd or CI. Jobs report to the socket; dashboards attach to it. Stops cleanly on SIGINT, SIGTERM or SIGHUP and removes its socket.

        Examples:
          pipetop daemon
          pipetop daemon --socket /tmp/ci-pipetop.sock &
        """)

    @OptionGroup var socketOptions: SocketOptions
    @OptionGroup var engineOptions: EngineOptions

    func run() throws {
        let path = socketOptions.resolved
        let server = try engineOptions.makeServer(socketPath: path, keepByDefault: true)
        do {
            try server.start()
        } catch {
            throw CLIError("\(error)")
        }
        print("pipetop engine \(pipetopVersion) listening on \(path)")
        fflush(nil)
        let done = DispatchSemaphore(value: 0)
        SignalWatch.on([SIGINT, SIGTERM, SIGHUP]) { _, _ in done.signal() }
        done.wait()
        server.stop()
    }
}

/// An error whose text is the whole message (no usage dump).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
