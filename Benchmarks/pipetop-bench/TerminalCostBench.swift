import Foundation

/// What the dashboard costs the machine: CPU% and wakeups per second of `pipetop` processes,
/// idle and while 50 jobs report 20 times a second each, beside htop running at the same time
/// in a pty of the same size (when htop is installed). Four dashboards run side by side:
/// attached to an engine in the benchmark's process, and local (`pipetop` with its engine in
/// its own process, the load sent to its socket), each at the default refresh and at
/// `--fps 10`, and a local one without its journal (`--db :memory:`).
enum TerminalCostBench {
    typealias Cost = (cpu: Double, wakeups: Double, preempted: Double)

    static func main(quick: Bool) throws -> [Figure] {
        let seconds = quick ? 5.0 : 60.0
        let cols = 80, rows = 24
        let engine = try BenchEngine(name: "cost", sampleInterval: 1)
        defer { engine.stop() }
        var loads = [try JobLoad(socket: engine.socket, jobs: 50)]
        defer { for l in loads { l.close() } }
        let env = engine.environment()
        var programs: [(name: String, session: PtySession)] = []
        defer { for p in programs { p.session.stop() } }
        let pipetop = try pipetopBinary()
        programs.append(("attached", try PtySession([pipetop, "--socket", engine.socket], cols: cols, rows: rows, environment: env)))
        programs.append(("att. fps10", try PtySession([pipetop, "--socket", engine.socket, "--fps", "10"], cols: cols, rows: rows, environment: env)))
        // A local dashboard starts its engine on a socket where none listens (sampling every
        // second and journaling, as `pipetop` does); the jobs report to that socket.
        // (`local :memory:` keeps no journal: what the dashboard and the engine's ingest cost
        // without SQLite.)
        for (name, extra) in [("local", [String]()), ("local fps10", ["--fps", "10"]), ("local :memory:", ["--db", ":memory:"])] {
            let sock = engine.dir + "/\(name.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: ":", with: "")).sock"
            // Each its own database (two engines cannot share one).
            var own = env
            own["XDG_STATE_HOME"] = sock + ".state"
            programs.append((name, try PtySession([pipetop, "--socket", sock] + extra, cols: cols, rows: rows, environment: own)))
            let deadline = monotonic() + 20
            while access(sock, F_OK) != 0 && monotonic() < deadline { usleep(50_000) }
            loads.append(try JobLoad(socket: sock, jobs: 50))
        }
        for l in loads { try l.step() }
        let dashboards = programs.count
        if let htop = which("htop") {
            programs.append(("htop", try PtySession([htop], cols: cols, rows: rows, environment: env)))
        } else {
            print("htop not installed: no baseline (apt-get install htop)")
        }
        // Let all start up (first frames, htop's first scan of /proc) before measuring.
        sleep(3)

        func measure(_ work: () throws -> Void) rethrows -> [Cost] {
            let before = programs.map { ProcCost.read($0.session.pid) }
            try work()
            return zip(before, programs).map { b, p in
                guard let b, let a = ProcCost.read(p.session.pid) else { return (.nan, .nan, .nan) }
                return ProcCost.rate(b, a)
            }
        }
        let idle = measure { usleep(UInt32(seconds * 1e6)) }
        // Every engine gets the same load at once: 50 jobs x 20 updates a second each.
        let busy = try measure {
            let start = monotonic()
            var n = 0
            while monotonic() - start < seconds {
                for l in loads { try l.step() }
                n += 1
                let wait = start + Double(n) / 20 - monotonic()
                if wait > 0 { usleep(UInt32(wait * 1e6)) }
            }
        }

        print("Dashboard cost over \(Int(seconds)) s each (pty \(cols)x\(rows), TERM=xterm-256color; CPU% as htop counts it: 100% = one core)")
        print(String(repeating: " ", count: 38) + programs.map { $0.name.padding(toLength: 15, withPad: " ", startingAt: 0) }.joined())
        func row(_ label: String, _ values: [Double], _ format: String) {
            print(label.padding(toLength: 38, withPad: " ", startingAt: 0) + values.map {
                String(format: format, $0).padding(toLength: 15, withPad: " ", startingAt: 0)
            }.joined())
        }
        row("idle: CPU", idle.map(\.cpu), "%.2f%%")
        row("idle: wakeups/s", idle.map(\.wakeups), "%.1f")
        row("idle: preempted/s", idle.map(\.preempted), "%.1f")
        row("50 jobs x 20 updates/s: CPU", busy.map(\.cpu), "%.2f%%")
        row("50 jobs x 20 updates/s: wakeups/s", busy.map(\.wakeups), "%.1f")
        row("50 jobs x 20 updates/s: preempted/s", busy.map(\.preempted), "%.1f")
        print("(attached: to an engine in this process, sampling /proc every second; local: the engine in pipetop's own process, sampling")
        print(" and journaling; default refresh: --delay 1.5; htop with its defaults: a refresh every 1.5 s;")
        print(" wakeups: voluntary context switches of all threads; preempted: involuntary ones, which measure the machine's load)")
        let htop = programs.count > dashboards
        let h = programs.count - 1
        func base(_ v: [Cost], _ k: KeyPath<Cost, Double>, _ f: String) -> String {
            htop ? String(format: f, v[h][keyPath: k]) + " htop" : "no htop"
        }
        func ratio(_ v: [Cost], _ i: Int, _ k: KeyPath<Cost, Double>) -> String {
            htop && v[h][keyPath: k] > 0 ? String(format: "%.2fx", v[i][keyPath: k] / v[h][keyPath: k]) : "-"
        }
        var figures: [Figure] = []
        for i in 0..<dashboards {
            let name = programs[i].name
            figures.append(Figure(name: "dashboard \(name): idle CPU (\(Int(seconds)) s)", ours: String(format: "%.2f%%", idle[i].cpu),
                                  baseline: base(idle, \.cpu, "%.2f%%"), ratio: ratio(idle, i, \.cpu), target: "<= htop",
                                  met: htop ? idle[i].cpu <= idle[h].cpu * 1.1 + 0.05 : nil))
            figures.append(Figure(name: "dashboard \(name): idle wakeups/s", ours: String(format: "%.1f", idle[i].wakeups),
                                  baseline: base(idle, \.wakeups, "%.1f"), ratio: ratio(idle, i, \.wakeups), target: "<= htop",
                                  met: htop ? idle[i].wakeups <= idle[h].wakeups : nil))
            figures.append(Figure(name: "dashboard \(name): CPU, 50 jobs x 20/s", ours: String(format: "%.2f%%", busy[i].cpu),
                                  baseline: base(busy, \.cpu, "%.2f%%"), ratio: ratio(busy, i, \.cpu), target: "<= 2x htop, < 1%",
                                  met: busy[i].cpu < 1 && (!htop || busy[i].cpu <= 2 * busy[h].cpu)))
            figures.append(Figure(name: "dashboard \(name): wakeups/s, 50 jobs x 20/s", ours: String(format: "%.1f", busy[i].wakeups),
                                  baseline: base(busy, \.wakeups, "%.1f"), ratio: ratio(busy, i, \.wakeups), target: "-", met: nil))
        }
        return figures
    }
}
