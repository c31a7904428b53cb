import PipetopEngine

/// What the daemon serves over HTTP: `/metrics`, Nextflow's weblog and the web (`--http`: the
/// API, and `/metrics` beside it), on one listener when their addresses are the same, on
/// several otherwise; and the metrics textfile.
struct HTTPServices {
    var listeners: [HTTPListener] = []
    var metrics: MetricsServer?

    static func start(engine: Engine, hub: SubscriberHub?, metrics: String?, weblog: String?, textfile: String?,
                      http: String? = nil, tokenFile: String? = nil) throws -> HTTPServices {
        var s = HTTPServices()
        do {
            let metricsAt = try metrics.map { try ListenAddress($0, option: "--metrics") }
            let weblogAt = try weblog.map { try ListenAddress($0, option: "--weblog") }
            let httpAt = try http.map { try ListenAddress($0, option: "--http") }
            if metrics != nil || textfile != nil || http != nil { s.metrics = MetricsServer(engine: engine, hub: hub) }
            let receiver = weblogAt.map { _ in WeblogReceiver(engine: engine) }
            var plan: [(ListenAddress, [any HTTPService], String)] = []
            // The web first: the weblog takes every POST on its listener.
            if let httpAt, let m = s.metrics {
                let token: WebToken
                do { token = try WebToken.loadOrCreate(tokenFile ?? WebToken.defaultPath()) } catch {
                    throw CLIError("pipetop daemon: --http: \(ErrorText.sentence(error))")
                }
                let api = WebAPI(engine: engine, hub: hub, token: token, tokenRequired: !httpAt.isLoopback)
                plan.append((httpAt, [api, m], "--http"))
            }
            if let metricsAt, let m = s.metrics {
                if let i = plan.firstIndex(where: { $0.0 == metricsAt }) {
                    plan[i].2 = "--http and --metrics"  // the web's listener serves /metrics already
                } else {
                    plan.append((metricsAt, [m], "--metrics"))
                }
            }
            if let weblogAt, let receiver {
                if let i = plan.firstIndex(where: { $0.0 == weblogAt }) {
                    plan[i].1.append(receiver)
                    plan[i].2 += " and --weblog"
                } else {
                    plan.append((weblogAt, [receiver], "--weblog"))
                }
            }
            for (address, services, option) in plan {
                let l = HTTPListener(address, services: services)
                do { try l.listen() } catch {
                    l.stop()
                    throw CLIError("pipetop daemon: \(option) \(address): \(ErrorText.sentence(error))")
                }
                s.listeners.append(l)
            }
            if let textfile, let m = s.metrics {
                do { try m.writeTextfile(textfile) } catch {
                    throw CLIError("pipetop daemon: --metrics-textfile cannot write \(textfile): \(ErrorText.sentence(error))")
                }
            }
        } catch {
            s.stop()
            throw error as? CLIError ?? CLIError("pipetop daemon: \(ErrorText.sentence(error))")
        }
        return s
    }

    func stop() {
        for l in listeners { l.stop() }
        metrics?.stop()
    }
}
