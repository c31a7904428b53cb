import Foundation
import PipetopCore
import PipetopWire

/// What one estimator said once a second through one run.
struct Series {
    var predicted: [Double?] = []
    var lo: [Double?] = []
    var hi: [Double?] = []
    var calibrated: [Bool] = []
}

/// Scores of one estimator over some runs.
struct Score {
    var errors: [Double] = []
    var jumpiness: [Double] = []
    var covered = 0, points = 0
    var coveredCalibrated = 0, pointsCalibrated = 0
    /// Points of runs with three or more earlier ones (which can be calibrated), and how many
    /// of them were shown rough.
    var pointsWithHistory = 0, roughWithHistory = 0
    var widths: [Double] = []

    var meanError: Double { errors.isEmpty ? .nan : errors.reduce(0, +) / Double(errors.count) }
    var meanJumpiness: Double { jumpiness.isEmpty ? .nan : jumpiness.reduce(0, +) / Double(jumpiness.count) }

    mutating func merge(_ o: Score) {
        errors += o.errors; jumpiness += o.jumpiness; widths += o.widths
        covered += o.covered; points += o.points
        coveredCalibrated += o.coveredCalibrated; pointsCalibrated += o.pointsCalibrated
        pointsWithHistory += o.pointsWithHistory; roughWithHistory += o.roughWithHistory
    }
}

enum ETABench {
    static let estimatorNames = ["pipetop", "overall average", "tqdm (EMA 0.3)", "30 s window (rich)", "seeds' adaptive"]

    /// Replays one run into pipetop's state (which keeps the history of earlier runs) and into
    /// fresh baselines; samples every estimator once a second.
    static func run(_ trace: Trace, state: inout PipelineState, cost: inout [Double]) -> (times: [Double], fraction: [Double], series: [Series]) {
        var baselines: [any BaselineEstimator] = [
            OverallAverage(start: trace.start), TqdmEMA(start: trace.start), RichWindow(),
            SeedAdaptive(start: trace.start, total: trace.totalItems),
        ]
        var series = Array(repeating: Series(), count: 1 + baselines.count)
        var times: [Double] = [], fraction: [Double] = []
        var doneByPhase: [String: Int] = [:]
        var second = trace.start.rounded(.down) + 1

        func sample(at s: Double) {
            times.append(s)
            let done = doneByPhase.values.reduce(0, +)
            fraction.append(Double(done) / Double(trace.totalItems))
            let t0 = DispatchTime.now().uptimeNanoseconds
            state.refreshEstimates(now: s)
            cost.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
            let shown = state.estimates[job: trace.job].eta?.shown
            let left = shown?.left(now: s)
            series[0].predicted.append(left?.eta)
            series[0].lo.append(left?.lo)
            series[0].hi.append(left?.hi)
            series[0].calibrated.append(shown?.calibrated ?? false)
            for (i, b) in baselines.enumerated() { series[i + 1].predicted.append(b.remaining(total: trace.totalItems, now: s)) }
        }

        for e in trace.events {
            let ts = e.ts!
            while second < ts { sample(at: second); second += 1 }
            try? state.apply(e, now: ts)
            if case .progress(let p) = e.body, let d = p.done {
                doneByPhase[p.phase] = d
                let done = doneByPhase.values.reduce(0, +)
                for i in baselines.indices { baselines[i].update(done: done, at: ts) }
            }
        }
        return (times, fraction, series)
    }

    /// Log errors at 10..90% of progress and of wall time; jumpiness; range coverage.
    static func score(_ trace: Trace, times: [Double], fraction: [Double], _ s: Series) -> Score {
        var out = Score()
        let duration = trace.end - trace.start
        guard !times.isEmpty else { return out }
        var points: [Int] = []
        for k in 1...9 {
            if let i = fraction.firstIndex(where: { $0 >= Double(k) / 10 }) { points.append(i) }
            let t = trace.start + Double(k) / 10 * duration
            points.append(min(times.count - 1, max(0, Int((t - times[0]).rounded()))))
        }
        for i in points {
            let actual = max(1, trace.end - times[i])
            let elapsed = times[i] - trace.start
            // No estimate shown: score the naive "as long again".
            let predicted = max(1, s.predicted[i] ?? elapsed)
            out.errors.append(abs(log(predicted / actual)))
            if i < s.lo.count, let lo = s.lo[i], let hi = s.hi[i] {
                let inside = (lo...hi).contains(trace.end - times[i])
                out.points += 1
                out.covered += inside ? 1 : 0
                // (A pipeline's first run records no errors: the fifth run is the first calibrated.)
                if trace.run > Estimator.calibrationRuns + 1 {
                    out.pointsWithHistory += 1
                    out.roughWithHistory += s.calibrated[i] ? 0 : 1
                }
                if s.calibrated[i] {
                    out.pointsCalibrated += 1
                    out.coveredCalibrated += inside ? 1 : 0
                }
                out.widths.append((hi - lo) / actual)
            }
        }
        var variation = 0.0
        var previous: Double?
        for (i, t) in times.enumerated() where t >= trace.start + 0.05 * duration {
            guard let p = s.predicted[i] else { continue }
            let total = log(max(1, t - trace.start + p))
            if let previous { variation += abs(total - previous) }
            previous = total
        }
        out.jumpiness.append(variation)
        return out
    }

    /// Prints what every estimator said every `step` seconds through each run of one kind
    /// (`pipetop-bench eta --show KIND`): for looking into a score.
    static func show(_ kind: TraceKind, runs: Int, step: Int = 20) {
        var state = PipelineState()
        var cost: [Double] = []
        for trace in TraceGenerator.traces(kind: kind, runs: runs, seed: 42) {
            let r = run(trace, state: &state, cost: &cost)
            print("\(trace.job): \(Int(trace.end - trace.start)) s")
            print("     t   done    actual   pipetop (lo-hi)            overall     tqdm    rich   seeds")
            for i in stride(from: 0, to: r.times.count, by: step) {
                func c(_ v: Double?) -> String { v.map { String(format: "%8.0f", $0) } ?? "       -" }
                let p = r.series[0]
                let range = "(\(p.lo[i].map { String(format: "%.0f", $0) } ?? "-")-\(p.hi[i].map { String(format: "%.0f", $0) } ?? "-"))\(p.calibrated[i] ? "" : "~")"
                print(String(format: "%6.0f %5.1f%% ", r.times[i] - trace.start, r.fraction[i] * 100) + c(trace.end - r.times[i]) + c(p.predicted[i])
                      + " " + range.padding(toLength: 18, withPad: " ", startingAt: 0) + r.series.dropFirst().map { c($0.predicted[i]) }.joined())
            }
        }
    }

    /// Writes every run of every kind as protocol lines (`DIR/KIND-N.jsonl`), for
    /// `pipetop replay --eta-trace`.
    static func write(to dir: String, runs: Int) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for kind in TraceKind.allCases {
            for trace in TraceGenerator.traces(kind: kind, runs: runs, seed: 42) {
                let text = trace.events.map { EventEncoder.line($0) }.joined()
                try text.write(toFile: "\(dir)/\(trace.job).jsonl", atomically: false, encoding: .utf8)
            }
        }
        print("wrote \(TraceKind.allCases.count * runs) runs to \(dir)")
    }

    static func main(runs: Int, seed: UInt64, kinds: [TraceKind] = TraceKind.allCases) {
        var state = PipelineState()
        var cost: [Double] = []
        var byKind: [(TraceKind, [Score])] = []
        for kind in kinds {
            var scores = Array(repeating: Score(), count: estimatorNames.count)
            for trace in TraceGenerator.traces(kind: kind, runs: runs, seed: seed) {
                let r = run(trace, state: &state, cost: &cost)
                for i in scores.indices { scores[i].merge(score(trace, times: r.times, fraction: r.fraction, r.series[i])) }
            }
            byKind.append((kind, scores))
        }
        report(byKind, runs: runs, seed: seed, cost: cost)
    }

    static func report(_ byKind: [(TraceKind, [Score])], runs: Int, seed: UInt64, cost: [Double]) {
        func f(_ x: Double) -> String { x.isNaN ? "-" : String(format: "%.3f", x) }
        func row(_ label: String, _ cells: [String]) -> String {
            label.padding(toLength: 12, withPad: " ", startingAt: 0) + cells.map { String(repeating: " ", count: max(1, 11 - $0.count)) + $0 }.joined()
        }
        let short = ["pipetop", "overall", "tqdm", "rich30s", "seeds"]
        print("ETA estimators: \(byKind.count) kinds of trace x \(runs) runs each (seed \(seed)); one progress bar over the whole job for the others")
        print("\nmean |ln(predicted / actual time left)| at 10%..90% of progress and of wall time (lower is better)")
        print(row("trace", short + ["best other", "ratio"]))
        var all = Array(repeating: Score(), count: estimatorNames.count)
        var worstRatio = 0.0
        for (kind, scores) in byKind {
            for i in all.indices { all[i].merge(scores[i]) }
            let bestOther = scores.dropFirst().map(\.meanError).min() ?? .nan
            let ratio = scores[0].meanError / bestOther
            worstRatio = max(worstRatio, ratio)
            print(row(kind.rawValue, scores.map { f($0.meanError) } + [f(bestOther), String(format: "%.2fx", ratio)]))
        }
        let bestOther = all.dropFirst().map(\.meanError).min() ?? .nan
        print(row("all", all.map { f($0.meanError) } + [f(bestOther), String(format: "%.2fx", all[0].meanError / bestOther)]))

        print("\njumpiness: total variation of ln(predicted total duration), sampled at 1 Hz, mean per run (lower is steadier)")
        print(row("trace", short))
        for (kind, scores) in byKind { print(row(kind.rawValue, scores.map { f($0.meanJumpiness) })) }
        print(row("all", all.map { f($0.meanJumpiness) }))

        print("\npipetop's 80% range: coverage (share of points where the real time left fell inside) and mean width / actual")
        print(row("trace", ["calibr.", "points", "all", "width", "rough"]))
        var anticipated = Score()
        for (kind, scores) in byKind {
            let s = scores[0]
            if kind.historyCanAnticipate { anticipated.merge(s) }
            let cal = s.pointsCalibrated > 0 ? Double(s.coveredCalibrated) / Double(s.pointsCalibrated) : .nan
            let width = s.widths.isEmpty ? Double.nan : s.widths.reduce(0, +) / Double(s.widths.count)
            let rough = Double(s.roughWithHistory) / Double(max(1, s.pointsWithHistory))
            print(row(kind.rawValue + (kind.historyCanAnticipate ? "" : "*"), [f(cal), "\(s.pointsCalibrated)", f(Double(s.covered) / Double(max(1, s.points))), f(width), f(rough)]))
        }
        let antCal = Double(anticipated.coveredCalibrated) / Double(max(1, anticipated.pointsCalibrated))
        print("(* history cannot foresee where the change comes; calibrated = points where pipetop had 3+ earlier runs to calibrate on;")
        print(" rough = share of the points of runs with 3+ calibrating runs before them shown rough: the run misfits beyond what those runs' errors carry)")

        let sortedCost = cost.sorted()
        print(String(format: "\nestimate cost: median %.1f µs, p99 %.1f µs per job refresh", sortedCost[sortedCost.count / 2], sortedCost[sortedCost.count * 99 / 100]))

        let overall = all[0].meanError / bestOther
        print("\ntargets:")
        print(String(format: "  mean log error <= 0.75x best other:            %.2fx  %@", overall, overall <= 0.75 ? "met" : "MISSED"))
        print(String(format: "  no trace kind worse than best other by >10%%:   worst %.2fx  %@", worstRatio, worstRatio <= 1.10 ? "met" : "MISSED"))
        let jump = all[0].meanJumpiness, jumpAvg = all[1].meanJumpiness
        print(String(format: "  jumpiness <= overall average's:                %.3f vs %.3f  %@", jump, jumpAvg, jump <= jumpAvg ? "met" : "MISSED"))
        print(String(format: "  80%% range coverage 0.70-0.90 (anticipatable):  %.2f  %@", antCal, (0.70...0.90).contains(antCal) ? "met" : "MISSED"))
    }
}
