import ArgumentParser
import Foundation
import PipetopEngine
import PipetopSpool
import PipetopStore

/// Where the engine's socket is: every subcommand takes the same option.
struct SocketOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The engine's Unix socket.",
        discussion: "Default: $PIPETOP_SOCKET, else `socket` in the config file, else $XDG_RUNTIME_DIR/pipetop/pipetop.sock, else /tmp/pipetop-UID/pipetop.sock.",
        valueName: "path"))
    var socket: String?

    var resolved: String {
        let env = ProcessInfo.processInfo.environment
        if socket == nil, env["PIPETOP_SOCKET"]?.isEmpty ?? true, let fromConfig = Config.load().0.socket {
            return fromConfig
        }
        return SocketPath.resolve(explicit: socket)
    }
}
