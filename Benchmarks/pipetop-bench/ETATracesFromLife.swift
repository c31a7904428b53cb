import Foundation

/// Trace kinds modelled on real pipelines (issue 22): shapes the estimator was not tuned on.
/// Each is built from how the source behaves (workers, bandwidth, load, commits), not from
/// a formula for the progress curve.
extension TraceGenerator {
    static func fromLife(_ kind: TraceKind, job: String, start: Double, speed: Double,
                         rng: inout SeededRandom) -> (TraceBuilder, Int) {
        let pipeline = kind.rawValue
        switch kind {
        case .fanout:
            // Snakemake over 150 samples on 4 cores: align (slow) -> sort (quick) -> call
            // (medium) per sample, then one long merge. Jobs are counted as they finish.
            let samples = 150, cores = 4
            let length: [Double] = [20, 2, 8]
            var ready: [(sample: Int, step: Int)] = (0..<samples).map { ($0, 0) }
            var running: [(end: Double, sample: Int, step: Int)] = []
            var clock = 0.0, finished: [Double] = []
            while !ready.isEmpty || !running.isEmpty {
                while running.count < cores, !ready.isEmpty {
                    let j = ready.removeFirst()
                    let d = length[j.step] * speed * exp(0.35 * rng.normal())
                    running.append((clock + d, j.sample, j.step))
                }
                running.sort { $0.end < $1.end }
                let next = running.removeFirst()
                clock = next.end
                finished.append(clock)
                if next.step < 2 { ready.append((next.sample, next.step + 1)) }
            }
            finished.append(clock + 90 * speed * rng.uniform(0.8, 1.2))  // merge all
            let items = finished.count
            let costs = zip(finished, [0] + finished.dropLast()).map { $0 - $1 }
            var b = TraceBuilder(job: job, pipeline: pipeline, start: start, phases: [("jobs", items)])
            b.phase("jobs", total: items, costs: costs)
            return (b, items)

        case .transfer:
            // rsync/S3 copy of 1,200 files (log-normal sizes) through a throttle: a burst
            // allowance at full speed, then the throttled rate; now and then the connection
            // stalls for 5-40 s (retransmits, a slow endpoint) and the burst credit refills.
            let items = 1200
            var costs: [Double] = [], waits: [Int: Double] = [:]
            var credit = 400.0  // MB at full speed
            for i in 0..<items {
                let mb = 2 * exp(1.0 * rng.normal()) / exp(0.5)
                let fast = min(credit, mb)
                credit -= fast
                costs.append((fast / 100 + (mb - fast) / 8) * speed + 0.03)
                if rng.unit() < 0.006 {
                    let w = rng.uniform(5, 40)
                    waits[i] = w
                    credit = min(400, credit + w * 10)
                }
            }
            var b = TraceBuilder(job: job, pipeline: pipeline, start: start, phases: [("files", items)])
            b.phase("files", total: items, costs: costs, waits: waits)
            return (b, items)

        case .daynight:
            // Calls to an API whose latency follows its load: a day/night cycle (compressed to
            // 450 s, so a run of about 25 min sees three) that makes a call up to nine times slower at
            // the peak than at night; runs start at any time of day.
            let items = 6000
            let period = 450.0, phase = rng.uniform(0, 2 * .pi)
            var costs: [Double] = [], clock = 0.0
            for _ in 0..<items {
                let load = 1 + 0.5 * sin(2 * .pi * clock / period + phase)  // 0.5 ... 1.5
                let c = 0.4 * speed * load * load * rng.uniform(0.7, 1.3)
                costs.append(c)
                clock += c
            }
            var b = TraceBuilder(job: job, pipeline: pipeline, start: start, phases: [("calls", items)])
            b.phase("calls", total: items, costs: costs)
            return (b, items)

        case .batches:
            // A bulk load committing every 500 rows: progress moves only on commit (a
            // staircase); every eighth commit waits for a checkpoint of 20-40 s.
            let items = 20_000, batch = 500
            var costs = Array(repeating: 0.0, count: items)
            for k in 0..<(items / batch) {
                var d = Double(batch) * 0.02 * speed * rng.uniform(0.9, 1.1) + rng.uniform(1, 4)
                if k % 8 == 7 { d += rng.uniform(20, 40) }
                costs[(k + 1) * batch - 1] = d
            }
            var b = TraceBuilder(job: job, pipeline: pipeline, start: start, phases: [("rows", items)])
            b.phase("rows", total: items, costs: costs)
            return (b, items)

        case .training:
            // Eight epochs of 400 steps; after each, validation (40-70 s, no steps) and a
            // checkpoint save. The first epoch compiles and fills caches (slower).
            let epochs = 8, steps = 400
            var costs: [Double] = [], waits: [Int: Double] = [:]
            for e in 0..<epochs {
                for s in 0..<steps {
                    costs.append(0.35 * speed * (e == 0 ? 1.6 : 1) * rng.uniform(0.85, 1.15))
                    if s == 0 && e > 0 { waits[e * steps] = rng.uniform(40, 70) * speed }
                }
            }
            let items = epochs * steps
            var b = TraceBuilder(job: job, pipeline: pipeline, start: start, phases: [("steps", items)])
            b.phase("steps", total: items, costs: costs, waits: waits)
            return (b, items)

        default:  // .stragglers
            // A map over 2,000 tasks on a cluster: steady until the queue drains, then the
            // last 5-8% finish one by one on the slow or overloaded nodes (a long tail).
            let items = 2000
            let tail = Int(Double(items) * rng.uniform(0.05, 0.08))
            var costs: [Double] = []
            for i in 0..<items {
                let intoTail = i >= items - tail ? Double(i - (items - tail)) / Double(tail) : -1
                let c = intoTail < 0 ? 0.25 : 0.25 * (1 + 30 * intoTail * intoTail)
                costs.append(c * speed * rng.uniform(0.6, 1.4))
            }
            var b = TraceBuilder(job: job, pipeline: pipeline, start: start, phases: [("tasks", items)])
            b.phase("tasks", total: items, costs: costs)
            return (b, items)
        }
    }
}
