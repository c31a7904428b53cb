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
          pipetop daemon --allow-group pipeline --socket /srv/pipetop/pipetop.sock

        Only the engine's user (and root) may use it; --allow-group lets one group's members in.
        """)

    @OptionGroup var socketOptions: SocketOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics. A bare port (9464) listens on 127.0.0.1 only; write a host (0.0.0.0:9464) to listen beyond loopback.", valueName: "[host:]port"))
    var metrics: String?

    @Option(name: .customLong("metrics-textfile"), help: ArgumentHelp("Write the same metrics to this file every 15 s, atomically (node_exporter's textfile collector).", valueName: "path"))
    var metricsTextfile: String?

    func run() throws {
        // A log reader that goes away (`pipetop daemon 2>&1 | head`) must not end the engine:
        // writes to it fail with EPIPE and are dropped (SafeWrite) instead.
        signal(SIGPIPE, SIG_IGN)
        let path = socketOptions.resolved
        let server = try engineOptions.makeServer(socketPath: path, keepByDefault: true)
        do {
            try server.start()
        } catch {
            throw CLIError("pipetop daemon: \(ErrorText.sentence(error))")
        }
        var exporter: MetricsServer?
        if metrics != nil || metricsTextfile != nil {
            let m = MetricsServer(engine: server.engine, hub: server.hub)
            do {
                if let metrics {
                    do { try m.listen(metrics) } catch {
                        throw CLIError("pipetop daemon: --metrics \(metrics): \(ErrorText.sentence(error))")
                    }
                }
                if let metricsTextfile {
                    do { try m.writeTextfile(metricsTextfile) } catch {
                        throw CLIError("pipetop daemon: --metrics-textfile cannot write \(metricsTextfile): \(ErrorText.sentence(error))")
                    }
                }
            } catch {
                server.stop()
                throw error as? CLIError ?? CLIError("pipetop daemon: --metrics: \(ErrorText.sentence(error))")
            }
            exporter = m
        }
        defer { exporter?.stop() }
        print("pipetop engine \(pipetopVersion) listening on \(path)")
        fflush(nil)
        let done = DispatchSemaphore(value: 0)
        SignalWatch.on([SIGINT, SIGTERM, SIGHUP]) { _, _ in done.signal() }
        done.wait()
        server.stop()
    }
}
