import Foundation
@testable import PipetopCore

/// The six trace shapes of issue 22 (pipetop-bench's ETATracesFromLife.swift, rebuilt here
/// because the benchmark is an executable): item costs and idle waits of one run.
enum ETAShape: String, CaseIterable {
    case fanout, transfer, daynight, batches, training, stragglers

    struct Run {
        var costs: [Double]
        var waits: [Int: Double] = [:]
    }

    /// Deterministic random numbers (SplitMix64), as the benchmark's.
    struct Random {
        var state: UInt64
        mutating func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
        mutating func normal() -> Double { (-2 * log(max(1e-12, unit()))).squareRoot() * cos(2 * .pi * unit()) }
    }

    func run(speed: Double, _ rng: inout Random) -> Run {
        switch self {
        case .fanout:
            // 150 samples on 4 cores: align (20 s) -> sort (2 s) -> call (8 s), then a merge.
            let length: [Double] = [20, 2, 8]
            var ready: [(Int, Int)] = (0..<150).map { ($0, 0) }
            var running: [(end: Double, sample: Int, step: Int)] = []
            var clock = 0.0, finished: [Double] = []
            while !ready.isEmpty || !running.isEmpty {
                while running.count < 4, !ready.isEmpty {
                    let j = ready.removeFirst()
                    running.append((clock + length[j.1] * speed * exp(0.35 * rng.normal()), j.0, j.1))
                }
                running.sort { $0.end < $1.end }
                let next = running.removeFirst()
                clock = next.end
                finished.append(clock)
                if next.step < 2 { ready.append((next.sample, next.step + 1)) }
            }
            finished.append(clock + 90 * speed * rng.uniform(0.8, 1.2))
            return Run(costs: zip(finished, [0] + finished.dropLast()).map { $0 - $1 })
        case .transfer:
            // Files through a throttle with a burst allowance; now and then a stall.
            var r = Run(costs: []), credit = 400.0
            for i in 0..<1200 {
                let mb = 2 * exp(rng.normal()) / exp(0.5)
                let fast = min(credit, mb)
                credit -= fast
                r.costs.append((fast / 100 + (mb - fast) / 8) * speed + 0.03)
                if rng.unit() < 0.006 {
                    let w = rng.uniform(5, 40)
                    r.waits[i] = w
                    credit = min(400, credit + w * 10)
                }
            }
            return r
        case .daynight:
            // Latency following a day/night cycle (450 s, about three a run), starting at any time.
            let phase = rng.uniform(0, 2 * .pi)
            var r = Run(costs: []), clock = 0.0
            for _ in 0..<6000 {
                let load = 1 + 0.5 * sin(2 * .pi * clock / 450 + phase)
                let c = 0.4 * speed * load * load * rng.uniform(0.7, 1.3)
                r.costs.append(c)
                clock += c
            }
            return r
        case .batches:
            // Commits every 500 rows (a staircase); every eighth waits for a checkpoint.
            var r = Run(costs: Array(repeating: 0, count: 20_000))
            for k in 0..<40 {
                var d = 500 * 0.02 * speed * rng.uniform(0.9, 1.1) + rng.uniform(1, 4)
                if k % 8 == 7 { d += rng.uniform(20, 40) }
                r.costs[(k + 1) * 500 - 1] = d
            }
            return r
        case .training:
            // Eight epochs of 400 steps, validation between them; the first epoch is slower.
            var r = Run(costs: [])
            for e in 0..<8 {
                for s in 0..<400 {
                    r.costs.append(0.35 * speed * (e == 0 ? 1.6 : 1) * rng.uniform(0.85, 1.15))
                    if s == 0 && e > 0 { r.waits[e * 400] = rng.uniform(40, 70) * speed }
                }
            }
            return r
        case .stragglers:
            // Steady tasks, then the last 5-8% one by one on slow nodes.
            let tail = Int(2000 * rng.uniform(0.05, 0.08))
            return Run(costs: (0..<2000).map { i in
                let into = i >= 2000 - tail ? Double(i - (2000 - tail)) / Double(tail) : -1
                return (into < 0 ? 0.25 : 0.25 * (1 + 30 * into * into)) * speed * rng.uniform(0.6, 1.4)
            })
        }
    }
}

/// pipetop and the overall average (items left x elapsed / items done) on the same runs of
/// one shape, scored as pipetop-bench does: |ln(predicted / actual time left)| at 10%..90% of
/// progress and of wall time, whether the truth fell in pipetop's calibrated 80% range, and
/// jumpiness: the total variation of ln(predicted total duration) once a second from 5% of each
/// run on (every run, the first without history included).
struct ETAShapeScore {
    var pipetop: [Double] = [], average: [Double] = []
    var covered = 0, calibratedPoints = 0
    var pipetopJumpiness = 0.0, averageJumpiness = 0.0

    var ratio: Double { pipetop.reduce(0, +) / max(1e-9, average.reduce(0, +)) }
    var coverage: Double { Double(covered) / Double(max(1, calibratedPoints)) }

    /// `runs` runs one after another into one state (later ones have history); the first
    /// `warmup` are not scored.
    init(_ shape: ETAShape, seed: UInt64, runs: Int = 8, warmup: Int = 2) throws {
        var rng = ETAShape.Random(state: seed)
        var state = PipelineState()
        var start = 1_000_000.0
        for r in 0..<runs {
            let job = "\(shape.rawValue)-\(r)"
            let run = shape.run(speed: exp(0.12 * rng.normal()), &rng)
            let total = run.costs.count
            try state.apply(Event(job: job, ts: start, .jobStart(.init(name: job, phases: [.init(id: "p")], labels: ["pipeline": shape.rawValue]))), now: start)
            try state.apply(Event(job: job, ts: start, .phaseStart(.init(phase: "p", total: total))), now: start)
            // The updates a client library sends: absolute counts, at most four a second.
            var t = start, lastSent = start, updates: [(t: Double, done: Int)] = []
            for (i, c) in run.costs.enumerated() {
                t += (run.waits[i] ?? 0) + c
                if t - lastSent >= 0.25 || i == total - 1 { updates.append((t, i + 1)); lastSent = t }
            }
            let end = t
            var samples: [(t: Double, done: Int, shown: Estimate?)] = []
            var done = 0, next = 0, second = start.rounded(.down) + 1
            while second < end {
                while next < updates.count && updates[next].t <= second {
                    try state.apply(Event(job: job, ts: updates[next].t, .progress(.init(phase: "p", done: updates[next].done))), now: updates[next].t)
                    done = updates[next].done
                    next += 1
                }
                state.refreshEstimates(now: second)
                samples.append((second, done, state.estimates[job: job].eta?.shown))
                second += 1
            }
            for u in updates[next...] { try state.apply(Event(job: job, ts: u.t, .progress(.init(phase: "p", done: u.done))), now: u.t) }
            try state.apply(Event(job: job, ts: end, .phaseEnd(.init(phase: "p", status: .done))), now: end)
            try state.apply(Event(job: job, ts: end, .jobEnd(.init(status: .completed))), now: end)
            var lastDuration: (pipetop: Double?, average: Double?) = (nil, nil)
            for s in samples where s.t >= start + 0.05 * (end - start) {
                let elapsed = s.t - start
                if let left = s.shown?.left(now: s.t) {
                    let duration = log(max(1, elapsed + left.eta))
                    if let last = lastDuration.pipetop { pipetopJumpiness += abs(duration - last) }
                    lastDuration.pipetop = duration
                }
                if s.done > 0 {
                    let duration = log(max(1, elapsed + Double(total - s.done) * elapsed / Double(s.done)))
                    if let last = lastDuration.average { averageJumpiness += abs(duration - last) }
                    lastDuration.average = duration
                }
            }
            if r >= warmup, !samples.isEmpty {
                var points: [Int] = []
                for k in 1...9 {
                    if let i = samples.firstIndex(where: { Double($0.done) >= Double(k) / 10 * Double(total) }) { points.append(i) }
                    points.append(min(samples.count - 1, Int((Double(k) / 10 * (end - start)).rounded()) - 1))
                }
                for i in points where i >= 0 {
                    let s = samples[i]
                    let actual = max(1, end - s.t), elapsed = s.t - start
                    let left = s.shown?.left(now: s.t)
                    pipetop.append(abs(log(max(1, left?.eta ?? elapsed) / actual)))
                    let avg = s.done > 0 ? Double(total - s.done) * elapsed / Double(s.done) : elapsed
                    average.append(abs(log(max(1, avg) / actual)))
                    if let left, s.shown?.calibrated == true {
                        calibratedPoints += 1
                        covered += (left.lo...left.hi).contains(actual) ? 1 : 0
                    }
                }
            }
            start = end + 60
        }
    }
}
