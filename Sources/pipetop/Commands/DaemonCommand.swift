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
        let server = EngineServer(engine: try engineOptions.makeEngine(keepByDefault: true), socketPath: path, sampleInterval: engineOptions.sampleInterval)
        do {
            try server.start()
        } catch {
            throw CLIError("\(error)")
        }
        print("pipetop engine \(pipetopVersion) listening on \(path)")
        fflush(nil)
        let done = DispatchSemaphore(value: 0)
        let sources = SignalWatch.on([SIGINT, SIGTERM, SIGHUP]) { _ in done.signal() }
        done.wait()
        _ = sources
        server.stop()
    }
}

/// An error whose text is the whole message (no usage dump).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Signals handled as events: a sigaction handler (installed synchronously, so no signal
/// is missed in a start-up window) writes the signal number to a pipe, and a thread calls
/// `handler` with it, outside signal context.
enum SignalWatch {
    nonisolated(unsafe) static var writeFD: Int32 = -1

    final class Watch: @unchecked Sendable {
        fileprivate let readFD: Int32
        fileprivate init(readFD: Int32) { self.readFD = readFD }
        func cancel() {}
    }

    @discardableResult
    static func on(_ signals: [Int32], _ handler: @escaping @Sendable (Int32) -> Void) -> [Watch] {
        var fds: [Int32] = [-1, -1]
        makePipe(&fds, nonBlockingWrite: true)
        writeFD = fds[1]
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                let saved = errno
                var s = sig
                _ = withUnsafeBytes(of: &s) { write(SignalWatch.writeFD, $0.baseAddress, $0.count) }
                errno = saved
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(sig, &action, nil)
        }
        let watch = Watch(readFD: fds[0])
        let t = Thread {
            var sig: Int32 = 0
            while withUnsafeMutableBytes(of: &sig, { read(watch.readFD, $0.baseAddress, $0.count) }) == MemoryLayout<Int32>.size {
                handler(sig)
            }
        }
        t.start()
        return [watch]
    }
}
