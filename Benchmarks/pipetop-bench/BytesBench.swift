import Foundation

/// Bytes the dashboard writes to its terminal, counted through a pty this process reads and
/// replayed into a screen model to count the cells each refresh changed: the first frame, a
/// steady refresh while jobs move, an idle refresh, and output that changed nothing (which
/// should be none). htop runs beside it at the same size as the baseline.
enum BytesBench {
    struct Figures {
        var first = 0
        var steady: [FrameRecorder.Frame] = []
        var idle: [FrameRecorder.Frame] = []
        var graphRows: Set<Int> = []
        /// The job screen of a job whose CPU goes up and down: its graphs scroll every second.
        var jobGraph: [FrameRecorder.Frame] = []
        var jobGraphRows: Set<Int> = []
    }

    /// A process that is busy, then idle, in a repeating pattern (so its CPU graph moves).
    static func burner() throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "while :; do for b in 0.2 0.6 0.1 0.9 0.4; do timeout $b sh -c 'while :; do :; done'; sleep 0.5; done; done"]
        p.environment = ["PATH": "/usr/bin:/bin"]  // timeout and sleep, whatever the caller's PATH
        try p.run()
        return p
    }

    static func measure(cols: Int, rows: Int, seconds: Double, show: Bool) throws -> [(String, Figures)] {
        let engine = try BenchEngine(name: "bytes", sampleInterval: 1)
        defer { engine.stop() }
        let load = try JobLoad(socket: engine.socket, jobs: 8)
        defer { load.close() }
        try load.step()
        // A job whose CPU goes up and down, started now so its graphs have a history by the
        // time its screen is measured (last).
        let burn = try burner()
        defer { kill(burn.processIdentifier, SIGTERM); burn.waitUntilExit() }
        try load.connection.send(#"{"type":"job.start","job":"graph","name":"graph","phases":["burn"],"pid":\#(burn.processIdentifier)}"# + "\n")
        let env = engine.environment()
        var programs: [(name: String, session: PtySession, frames: FrameRecorder)] = []
        defer { for p in programs { p.session.stop() } }
        var commands = [("pipetop", [try pipetopBinary(), "--socket", engine.socket])]
        if let htop = which("htop") { commands.append(("htop", [htop])) }
        for (name, command) in commands {
            let rec = FrameRecorder(cols: cols, rows: rows)
            programs.append((name, try PtySession(command, cols: cols, rows: rows, environment: env) { rec.output($0, $1) }, rec))
        }
        sleep(2)
        // Steady: every job moves 4 times a second (the sampler adds a point to the graphs each second).
        let t0 = monotonic()
        try load.run(perSecond: 4, for: seconds)
        let t1 = monotonic()
        // Idle: nothing reports; only the clock, elapsed times and samples move.
        usleep(UInt32(seconds * 1e6))
        let t2 = monotonic()
        let overviewGraphs = programs.map { $0.frames.graphRows }
        // Graphs: that job's screen (g: top of the list, the newest job; Enter: open it).
        programs[0].session.type("g\r")
        sleep(1)
        let t3 = monotonic()
        usleep(UInt32(seconds * 1e6))
        let t4 = monotonic()
        if show { for p in programs { print("\(p.name) at \(cols)x\(rows):\n\(p.frames.text)\n") } }
        return programs.enumerated().map { i, p in
            let all = p.frames.frames()
            let first = all.filter { $0.at < (all.first?.at ?? 0) + 0.3 }.reduce(0) { $0 + $1.totalBytes }
            let pipetop = p.name == "pipetop"
            return (p.name, Figures(first: first, steady: p.frames.frames(from: t0, to: t1), idle: p.frames.frames(from: t1, to: t2),
                                    graphRows: overviewGraphs[i], jobGraph: pipetop ? p.frames.frames(from: t3, to: t4) : [],
                                    jobGraphRows: pipetop ? p.frames.graphRows : []))
        }
    }

    static func main(quick: Bool, show: Bool) throws -> [Figure] {
        var figures: [Figure] = []
        let seconds = quick ? 3.0 : 20.0
        if which("htop") == nil { print("htop not installed: no baseline (apt-get install htop)") }
        print("Bytes to the terminal (TERM=xterm-256color, LANG=C.UTF-8; \(Int(seconds)) s steady with 8 jobs moving 4x/s, then \(Int(seconds)) s idle,")
        print(" then \(Int(seconds)) s on the job screen of a job whose CPU goes up and down)")
        print("size     program  phase     first screen  refreshes/s  bytes/refresh  cells/refresh  bytes/cell  outside graphs: bytes/refresh  graphs: bytes/cell  no-change refreshes")
        func col(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        for (cols, rows) in [(80, 24), (200, 60)] {
            let measured = try measure(cols: cols, rows: rows, seconds: seconds, show: show)
            figures += summary(measured, size: "\(cols)x\(rows)")
            for (name, f) in measured {
                for (phase, fr, graphRows) in [("steady", f.steady, f.graphRows), ("idle", f.idle, f.graphRows), ("job graph", f.jobGraph, f.jobGraphRows)] {
                    if phase == "job graph" && name != "pipetop" { continue }
                    let n = Double(max(1, fr.count))
                    func sum(_ rows: (Int) -> Bool, _ k: KeyPath<FrameRecorder.Frame, [Int]>) -> Double {
                        Double(fr.reduce(0) { acc, x in acc + x[keyPath: k].enumerated().filter { rows($0.offset) }.reduce(0) { $0 + $1.element } })
                    }
                    let bytes = sum({ _ in true }, \.bytes), cells = sum({ _ in true }, \.changed)
                    let outside = sum({ !graphRows.contains($0) }, \.bytes)
                    let gBytes = sum(graphRows.contains, \.bytes), gCells = sum(graphRows.contains, \.changed)
                    let wasted = fr.filter { $0.totalChanged == 0 }
                    print(col("\(cols)x\(rows)", 9) + col(name, 9) + col(phase, 10)
                          + col(phase == "steady" ? "\(f.first) B" : "", 14)
                          + col(String(format: "%.1f", Double(fr.count) / seconds), 13)
                          + col(String(format: "%.0f B", bytes / n), 15) + col(String(format: "%.0f", cells / n), 15)
                          + col(cells > 0 ? String(format: "%.1f", bytes / cells) : "-", 12)
                          + col(String(format: "%.0f B", outside / n), 31)
                          + col(graphRows.isEmpty ? "(no graph)" : gCells > 0 ? String(format: "%.1f (%.0f cells)", gBytes / gCells, gCells / n) : "-", 20)
                          + "\(wasted.count) (\(wasted.reduce(0) { $0 + $1.totalBytes }) B)")
                }
            }
        }
        print("(a refresh: a burst of output after 20 ms of quiet; first screen: what was written in the first 0.3 s;")
        print(" cells: character or colour changed, on a model of the screen; graphs: rows holding braille; a byte counts for the row the cursor is on)")
        return figures
    }

    /// The summary lines for one size: pipetop's steady refresh outside graphs against
    /// htop's, the scrolling graph's bytes per changed cell, and output that changed nothing.
    static func summary(_ measured: [(String, Figures)], size: String) -> [Figure] {
        func perRefresh(_ fr: [FrameRecorder.Frame], outside graphRows: Set<Int>) -> Double {
            let bytes = fr.reduce(0) { acc, x in acc + x.bytes.enumerated().filter { !graphRows.contains($0.offset) }.reduce(0) { $0 + $1.element } }
            return Double(bytes) / Double(max(1, fr.count))
        }
        guard let ours = measured.first(where: { $0.0 == "pipetop" })?.1 else { return [] }
        let htop = measured.first(where: { $0.0 == "htop" })?.1
        let mine = perRefresh(ours.steady, outside: ours.graphRows)
        let theirs = htop.map { perRefresh($0.steady, outside: $0.graphRows) }
        var out = [Figure(name: "bytes per refresh \(size), outside graphs", ours: String(format: "%.0f B", mine),
                          baseline: theirs.map { String(format: "%.0f B htop", $0) } ?? "no htop",
                          ratio: theirs.map { String(format: "%.2fx", mine / max($0, 1)) } ?? "-",
                          target: "<= htop", met: theirs.map { mine <= $0 })]
        let g = ours.jobGraph
        let gBytes = g.reduce(0) { acc, x in acc + x.bytes.enumerated().filter { ours.jobGraphRows.contains($0.offset) }.reduce(0) { $0 + $1.element } }
        let gCells = g.reduce(0) { acc, x in acc + x.changed.enumerated().filter { ours.jobGraphRows.contains($0.offset) }.reduce(0) { $0 + $1.element } }
        if gCells > 0 {
            let perCell = Double(gBytes) / Double(gCells)
            out.append(Figure(name: "scrolling graph \(size)", ours: String(format: "%.1f B per changed cell", perCell), baseline: "4 B a cell",
                              ratio: String(format: "%.2fx", perCell / 4), target: "~4 B per cell", met: perCell <= 6))
        }
        let wasted = (ours.steady + ours.idle + ours.jobGraph).filter { $0.totalChanged == 0 }
        out.append(Figure(name: "output that changed nothing \(size)", ours: "\(wasted.reduce(0) { $0 + $1.totalBytes }) B", baseline: "-",
                          ratio: "-", target: "0 B", met: wasted.isEmpty))
        return out
    }
}
