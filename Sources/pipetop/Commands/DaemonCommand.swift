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
          pipetop daemon --metrics 9464 --weblog 9464
          pipetop daemon --http 8080

        Only the engine's user (and root) may use it; --allow-group lets one group's members in.

        Its start line on standard output names the socket and, with --http, the page's address as bound (a port 0 shows the one chosen) and who needs the token there.

        --http serves the live page, the web API and event stream (/api/v1/, docs/WEB.md) and /metrics; beyond loopback every request to the API needs the token that `pipetop token` prints, and acknowledging or silencing from the web always does (docs/SECURITY.md).

        --http, --metrics and --weblog given the same address share one HTTP listener (write it the same way in both); different addresses are two listeners. Anyone who can reach the weblog's port can create jobs: it listens on 127.0.0.1 unless told otherwise (docs/SECURITY.md).
        """)

    @OptionGroup var socketOptions: SocketOptions
    @OptionGroup var engineOptions: EngineOptions

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics. A bare port (9464) listens on 127.0.0.1 only; write a host (0.0.0.0:9464) to listen beyond loopback.", valueName: "[host:]port"))
    var metrics: String?

    @Option(name: .long, help: ArgumentHelp("Take Nextflow's weblog at http://HOST:PORT/ (`nextflow run main.nf -with-weblog http://127.0.0.1:PORT`): each run becomes a job, its processes phases, its tasks steps. A bare port listens on 127.0.0.1 only.", valueName: "[host:]port"))
    var weblog: String?

    @Option(name: .long, help: ArgumentHelp("Serve the live page (/), the web API (/api/v1/board, /api/v1/jobs/ID, /api/v1/alerts, the event stream /api/v1/events; docs/WEB.md) and /metrics at http://HOST:PORT/. A bare port (8080) listens on 127.0.0.1 only; beyond loopback every API request needs the token (`pipetop token`), and acknowledging or silencing from the web always does.", valueName: "[host:]port"))
    var http: String?

    @Option(name: .customLong("http-token-file"), help: ArgumentHelp("The web API's token file, made (mode 0600) at the first start. Default: $XDG_STATE_HOME/pipetop/http-token, else ~/.local/state/pipetop/http-token.", valueName: "path"))
    var httpTokenFile: String?

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
        let services: HTTPServices
        do {
            services = try HTTPServices.start(engine: server.engine, hub: server.hub, metrics: metrics, weblog: weblog, textfile: metricsTextfile,
                                         http: http, tokenFile: httpTokenFile)
        } catch {
            server.stop()
            throw error
        }
        print("pipetop engine \(pipetopVersion) listening on \(path)" + Self.webLine(http, services))
        fflush(nil)
        let done = DispatchSemaphore(value: 0)
        SignalWatch.on([SIGINT, SIGTERM, SIGHUP]) { _, _ in done.signal() }
        done.wait()
        // The web first: a stream asked for while the engine's loops shut down was scheduled
        // on a stopped loop (a crash in debug builds, an error line otherwise).
        services.stop()
        server.stop()
    }

    /// Where the page is, for the start line (empty without --http): its address as bound, and
    /// who may read it.
    static func webLine(_ http: String?, _ services: HTTPServices) -> String {
        guard let http, let at = try? ListenAddress(http, option: "--http") else { return "" }
        let port = services.listeners.first { $0.address == at }?.port ?? at.port
        let shown = ListenAddress(host: at.host, port: port)
        return "; the page and web API at http://\(shown)/"
            + (at.isLoopback ? " (loopback: reading needs no token, acknowledging and silencing do: `pipetop token`)"
                           : " (beyond loopback every API request needs the token: `pipetop token`)")
    }
}
