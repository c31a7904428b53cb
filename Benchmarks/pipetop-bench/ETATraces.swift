import Foundation
import PipetopCore

/// Deterministic random numbers (SplitMix64), so every run of the benchmark sees the same traces.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * unit() }
    /// Normal(0, 1) by Box–Muller.
    mutating func normal() -> Double { (-2 * log(max(1e-12, unit()))).squareRoot() * cos(2 * .pi * unit()) }
    /// Pareto with shape `alpha`, scaled to mean 1.
    mutating func pareto(_ alpha: Double) -> Double {
        let xm = (alpha - 1) / alpha
        return xm / pow(max(1e-12, 1 - unit()), 1 / alpha)
    }
}

/// One recorded run: the events a client would send, with their times.
struct Trace {
    var kind: String
    var run: Int
    var job: String
    var events: [Event]
    var start: Double
    var end: Double
    /// Items in all phases: what a single progress bar over the whole job would count to.
    var totalItems: Int
}

/// The situations ETA estimators meet in real pipelines (issue 6), each run several times.
enum TraceKind: String, CaseIterable {
    case constant, slowdown, ratelimit, warmup, heavytail, phases, resumed, outage
    // Shapes from real sources (issue 22), built in ETATracesFromLife.swift.
    case fanout, transfer, daynight, batches, training, stragglers

    /// Whether past runs can foretell this run's course (the range is held to its target there).
    var historyCanAnticipate: Bool { self != .slowdown && self != .outage }

    /// The kinds tuned on before issue 22, and the ones added by it.
    static let original: [TraceKind] = [.constant, .slowdown, .ratelimit, .warmup, .heavytail, .phases, .resumed, .outage]
}

/// Builds the events of one run: items done one after another at the given costs, reported
/// as a client library would (absolute counts, at most four updates a second).
struct TraceBuilder {
    let job: String
    var t: Double
    var events: [Event] = []

    init(job: String, pipeline: String, start: Double, phases: [(String, Int)]) {
        self.job = job
        t = start
        events.append(Event(job: job, ts: start, .jobStart(.init(name: job, phases: phases.map { .init(id: $0.0) },
                                                                  labels: ["pipeline": pipeline]))))
    }

    /// Runs one phase: `costs[i]` seconds for item i (plus `waits[i]` seconds idle before it),
    /// starting with `already` items found done.
    mutating func phase(_ id: String, total: Int, already: Int = 0, costs: [Double], waits: [Int: Double] = [:]) {
        events.append(Event(job: job, ts: t, .phaseStart(.init(phase: id, total: total))))
        var done = already
        if already > 0 {
            t += 0.1
            events.append(Event(job: job, ts: t, .progress(.init(phase: id, done: done))))
        }
        var lastSent = t
        for (i, c) in costs.enumerated() {
            t += (waits[i] ?? 0) + c
            done += 1
            if t - lastSent >= 0.25 || i == costs.count - 1 {
                events.append(Event(job: job, ts: t, .progress(.init(phase: id, done: done))))
                lastSent = t
            }
        }
        events.append(Event(job: job, ts: t, .phaseEnd(.init(phase: id, status: .done))))
    }

    mutating func finish() { events.append(Event(job: job, ts: t, .jobEnd(.init(status: .completed)))) }
}

enum TraceGenerator {
    /// `runs` runs of each kind, one after another (so each sees the ones before as history).
    static func traces(kind: TraceKind, runs: Int, seed: UInt64) -> [Trace] {
        var rng = SeededRandom(seed: seed &+ UInt64(TraceKind.allCases.firstIndex(of: kind)!) &* 7919)
        var out: [Trace] = []
        var start = 1_000_000.0
        for r in 0..<runs {
            let job = "\(kind.rawValue)-\(r + 1)"
            // Runs differ in speed as real ones do (machine load, data size).
            let speed = exp(0.12 * rng.normal())
            let t = make(kind, job: job, run: r, start: start, speed: speed, rng: &rng)
            out.append(t)
            start = t.end + 60
        }
        return out
    }

    private static func make(_ kind: TraceKind, job: String, run: Int, start: Double, speed: Double, rng: inout SeededRandom) -> Trace {
        func jitter(_ n: Int, _ base: Double, _ spread: Double = 0.2) -> [Double] {
            (0..<n).map { _ in base * speed * rng.uniform(1 - spread, 1 + spread) }
        }
        var b: TraceBuilder
        var items = 0
        switch kind {
        case .constant:
            items = 3000
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("work", items)])
            b.phase("work", total: items, costs: jitter(items, 0.3))
        case .slowdown:
            items = 3000
            let at = Int(Double(items) * rng.uniform(0.3, 0.7))
            var costs = jitter(items, 0.2)
            for i in at..<items { costs[i] *= 4 }
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("work", items)])
            b.phase("work", total: items, costs: costs)
        case .ratelimit:
            // An API allowing 100 requests a minute: each burst is fast, then the client waits
            // for the next window.
            items = 1500
            var costs: [Double] = [], waits: [Int: Double] = [:]
            var clock = 0.0
            for i in 0..<items {
                if i > 0 && i % 100 == 0 {
                    let next = (clock / 60).rounded(.down) * 60 + 60
                    waits[i] = next - clock
                    clock = next
                }
                let c = 0.05 * speed * rng.uniform(0.5, 1.5)
                costs.append(c)
                clock += c
            }
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("requests", items)])
            b.phase("requests", total: items, costs: costs, waits: waits)
        case .warmup:
            // Caches and JIT warm up: the first items cost five times as much.
            items = 3000
            let costs = (0..<items).map { i in 0.2 * speed * (1 + 4 * exp(-Double(i) / 300)) * rng.uniform(0.8, 1.2) }
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("work", items)])
            b.phase("work", total: items, costs: costs)
        case .heavytail:
            // Most items are quick, a few are huge (file sizes, document lengths).
            items = 2000
            let costs = (0..<items).map { _ in 0.4 * speed * min(rng.pareto(1.5), 200) }
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("work", items)])
            b.phase("work", total: items, costs: costs)
        case .phases:
            // Fetch, transform, load: each at its own speed.
            let plan: [(String, Int, Double)] = [("fetch", 1000, 0.2), ("transform", 200, 2.5), ("load", 2000, 0.1)]
            items = plan.reduce(0) { $0 + $1.1 }
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: plan.map { ($0.0, $0.1) })
            for (id, n, c) in plan { b.phase(id, total: n, costs: jitter(n, c)) }
        case .resumed:
            // A restart after a crash: 20-40% of the items are found done at once.
            items = 3000
            let already = Int(Double(items) * rng.uniform(0.2, 0.4))
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("work", items)])
            b.phase("work", total: items, already: already, costs: jitter(items - already, 0.3))
        case .outage:
            // The database goes away for a few minutes at an unforeseeable moment.
            items = 3000
            let at = Int(Double(items) * rng.uniform(0.4, 0.8))
            b = TraceBuilder(job: job, pipeline: kind.rawValue, start: start, phases: [("work", items)])
            b.phase("work", total: items, costs: jitter(items, 0.25), waits: [at: rng.uniform(120, 300)])
        default:
            (b, items) = fromLife(kind, job: job, start: start, speed: speed, rng: &rng)
        }
        b.finish()
        return Trace(kind: kind.rawValue, run: run + 1, job: job, events: b.events, start: start, end: b.t, totalItems: items)
    }
}
