import Foundation

/// From a progress event written to the engine's socket to its count on the screen of the
/// real dashboard (`pipetop --socket`, in a pty this process reads), beside the frame interval
/// measured in the same run. Counts are absolute, so a value the dashboard skipped (a newer one
/// came within the same frame) counts as shown when a newer one is.
enum LatencyBench {
    static let total = 9_999  // counts below 10,000 are shown whole: "1234/9999"

    /// What the reader thread saw: when each written value first showed, and when frames began.
    final class Watch: @unchecked Sendable {
        let lock = NSLock()
        var screen: TerminalScreen
        var pending: [(value: Int, at: Double)] = []
        var latencies: [Double] = []
        var frameStarts: [Double] = []
        private var lastChunk = 0.0

        init(cols: Int, rows: Int) { screen = TerminalScreen(cols: cols, rows: rows) }

        /// The biggest count shown for the latency job, read off the screen.
        func shown() -> Int? {
            var best: Int?
            for r in 0..<screen.rows {
                let line = screen.line(r)
                guard let slash = line.range(of: "/\(LatencyBench.total)") else { continue }
                let digits = line[..<slash.lowerBound].reversed().prefix { $0.isNumber }
                if let v = Int(String(digits.reversed())) { best = max(best ?? v, v) }
            }
            return best
        }

        func output(_ t: Double, _ bytes: UnsafeRawBufferPointer) {
            // A burst after 20 ms of quiet is a new frame (curses writes a frame in one go).
            if t - lastChunk > 0.02 { frameStarts.append(t) }
            lastChunk = t
            screen.feed(bytes)
            guard !pending.isEmpty, let v = shown() else { return }
            while let p = pending.first, p.value <= v {
                latencies.append(t - p.at)
                pending.removeFirst()
            }
        }
    }

    struct Result { var p50, p99, max: Double; var frame: Double; var samples: Int; var lost: Int }

    /// Writes `count` values, `gap` seconds apart (a random gap in the range), and waits for each
    /// to show.
    static func measure(load: JobLoad, watch: Watch, from first: Int, count: Int, gap: ClosedRange<Double>) -> Result {
        watch.lock.withLock { watch.latencies = []; watch.frameStarts = [] }
        var rng = SystemRandomNumberGenerator()
        for i in 0..<count {
            let v = first + i
            let line = load.line(0, done: v)
            watch.lock.withLock { watch.pending.append((v, monotonic())) }
            try? load.connection.send(line)
            usleep(UInt32(Double.random(in: gap, using: &rng) * 1e6))
        }
        // The last values: up to a second more to show.
        let end = monotonic() + 1
        while monotonic() < end && watch.lock.withLock({ !watch.pending.isEmpty }) { usleep(10_000) }
        return watch.lock.withLock {
            let lost = watch.pending.count
            watch.pending = []
            let l = watch.latencies.sorted()
            let gaps = zip(watch.frameStarts.dropFirst(), watch.frameStarts).map { $0 - $1 }.sorted()
            func q(_ a: [Double], _ f: Double) -> Double { a.isEmpty ? .nan : a[min(a.count - 1, Int(Double(a.count) * f))] }
            return Result(p50: q(l, 0.5), p99: q(l, 0.99), max: l.last ?? .nan, frame: q(gaps, 0.5), samples: l.count, lost: lost)
        }
    }

    static func main(quick: Bool) throws -> [Figure] {
        var figures: [Figure] = []
        let fps = 10.0
        let engine = try BenchEngine(name: "latency")
        defer { engine.stop() }
        // The latency job first (so it is on top and selected), then a few that keep moving.
        let load = try JobLoad(socket: engine.socket, jobs: 1, total: total, prefix: "latency")
        try load.connection.send(load.line(0, done: 1))
        let cols = 200, rows = 60
        let watch = Watch(cols: cols, rows: rows)
        let dash = try PtySession([try pipetopBinary(), "--socket", engine.socket, "--fps", "\(Int(fps))"],
                                  cols: cols, rows: rows, environment: engine.environment()) { t, b in
            watch.lock.withLock { watch.output(t, b) }
        }
        defer { dash.stop() }
        // Ready when the job's count is on screen.
        let ready = monotonic() + 10
        while monotonic() < ready && watch.lock.withLock({ watch.shown() }) == nil { usleep(20_000) }
        guard watch.lock.withLock({ watch.shown() }) != nil else {
            throw BenchError("the dashboard never showed the job:\n" + watch.lock.withLock { watch.screen.text })
        }
        print("Latency: progress event written to the socket -> its count on the dashboard (pty \(cols)x\(rows), --fps \(Int(fps)))")
        print("writes                       samples      p50      p99      max   frame interval (measured)   lost")
        let n = quick ? 20 : 200
        var next = 1000
        for (label, gap) in [("sparse (every 150-450 ms)", 0.15...0.45), ("busy (every 20-60 ms)", 0.02...0.06)] {
            let count = label.hasPrefix("busy") ? n * 3 : n
            let r = measure(load: load, watch: watch, from: next, count: count, gap: gap)
            next += count
            print(label.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: " %7d %6.1f ms %6.1f ms %6.1f ms   %6.1f ms (set: %.0f ms)      %5d",
                         r.samples, r.p50 * 1000, r.p99 * 1000, r.max * 1000, r.frame * 1000, 1000 / fps, r.lost))
            let kind = label.hasPrefix("busy") ? "busy" : "sparse"
            figures.append(Figure(name: "latency to screen, \(kind) writes", ours: String(format: "p50 %.0f ms, p99 %.0f ms", r.p50 * 1000, r.p99 * 1000),
                                  baseline: String(format: "%.0f ms frame interval", (r.frame > 0 ? r.frame : 1 / fps) * 1000),
                                  ratio: String(format: "p99 %.2f frames", r.p99 / (r.frame > 0 ? r.frame : 1 / fps)),
                                  target: "p99 <= 1 frame", met: r.p99 <= (r.frame > 0 ? r.frame : 1 / fps) * 1.02))
        }
        return figures
    }
}

