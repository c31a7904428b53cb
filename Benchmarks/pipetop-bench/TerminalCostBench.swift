import Foundation

/// What the dashboard costs the machine: CPU% and wakeups per second of the `pipetop` process
/// attached to an engine, idle and while 50 jobs report 20 times a second each, beside htop
/// running at the same time in a pty of the same size (when htop is installed).
enum TerminalCostBench {
    static func main(quick: Bool) throws -> [Figure] {
        let seconds = quick ? 5.0 : 60.0
        let cols = 80, rows = 24
        let engine = try BenchEngine(name: "cost", sampleInterval: 1)
        defer { engine.stop() }
        let load = try JobLoad(socket: engine.socket, jobs: 50)
        defer { load.close() }
        try load.step()
        let env = engine.environment()
        var programs: [(name: String, session: PtySession)] = []
        defer { for p in programs { p.session.stop() } }
        programs.append(("pipetop", try PtySession([try pipetopBinary(), "--socket", engine.socket], cols: cols, rows: rows, environment: env)))
        if let htop = which("htop") {
            programs.append(("htop", try PtySession([htop], cols: cols, rows: rows, environment: env)))
        } else {
            print("htop not installed: no baseline (apt-get install htop)")
        }
        // Let both start up (first frames, htop's first scan of /proc) before measuring.
        sleep(3)

        func measure(_ work: () throws -> Void) rethrows -> [(cpu: Double, wakeups: Double, preempted: Double)] {
            let before = programs.map { ProcCost.read($0.session.pid) }
            try work()
            return zip(before, programs).map { b, p in
                guard let b, let a = ProcCost.read(p.session.pid) else { return (.nan, .nan, .nan) }
                return ProcCost.rate(b, a)
            }
        }
        let idle = measure { usleep(UInt32(seconds * 1e6)) }
        let busy = try measure { try load.run(perSecond: 20, for: seconds) }

        print("Dashboard cost over \(Int(seconds)) s each (pty \(cols)x\(rows), TERM=xterm-256color; CPU% as htop counts it: 100% = one core)")
        print(String(repeating: " ", count: 38) + programs.map { $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
        func row(_ label: String, _ values: [Double], _ format: String) {
            print(label.padding(toLength: 38, withPad: " ", startingAt: 0) + values.map {
                String(format: format, $0).padding(toLength: 12, withPad: " ", startingAt: 0)
            }.joined())
        }
        row("idle: CPU", idle.map(\.cpu), "%.2f%%")
        row("idle: wakeups/s", idle.map(\.wakeups), "%.1f")
        row("idle: preempted/s", idle.map(\.preempted), "%.1f")
        row("50 jobs x 20 updates/s: CPU", busy.map(\.cpu), "%.2f%%")
        row("50 jobs x 20 updates/s: wakeups/s", busy.map(\.wakeups), "%.1f")
        row("50 jobs x 20 updates/s: preempted/s", busy.map(\.preempted), "%.1f")
        print("(pipetop attached to an engine in this process, sampling /proc every second; htop with its defaults: a refresh every 1.5 s;")
        print(" wakeups: voluntary context switches of all threads; preempted: involuntary ones, which measure the machine's load)")
        let htop = programs.count > 1
        func base(_ v: [(cpu: Double, wakeups: Double, preempted: Double)], _ k: KeyPath<(cpu: Double, wakeups: Double, preempted: Double), Double>, _ f: String) -> String {
            htop ? String(format: f, v[1][keyPath: k]) + " htop" : "no htop"
        }
        func ratio(_ v: [(cpu: Double, wakeups: Double, preempted: Double)], _ k: KeyPath<(cpu: Double, wakeups: Double, preempted: Double), Double>) -> String {
            htop && v[1][keyPath: k] > 0 ? String(format: "%.2fx", v[0][keyPath: k] / v[1][keyPath: k]) : "-"
        }
        return [
            Figure(name: "dashboard idle CPU (\(Int(seconds)) s)", ours: String(format: "%.2f%%", idle[0].cpu), baseline: base(idle, \.cpu, "%.2f%%"),
                   ratio: ratio(idle, \.cpu), target: "<= htop", met: htop ? idle[0].cpu <= idle[1].cpu * 1.1 + 0.05 : nil),
            Figure(name: "dashboard idle wakeups/s", ours: String(format: "%.1f", idle[0].wakeups), baseline: base(idle, \.wakeups, "%.1f"),
                   ratio: ratio(idle, \.wakeups), target: "<= htop", met: htop ? idle[0].wakeups <= idle[1].wakeups : nil),
            Figure(name: "dashboard CPU, 50 jobs x 20/s", ours: String(format: "%.2f%%", busy[0].cpu), baseline: base(busy, \.cpu, "%.2f%%"),
                   ratio: ratio(busy, \.cpu), target: "< 2% of a core", met: busy[0].cpu < 2),
        ]
    }
}
