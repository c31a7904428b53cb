import Foundation
import PipetopCore
import Synchronization

/// Reads the host and every running job's process tree, and applies the readings to the
/// engine through the reducer. The engine's beat (`EngineBeat`) calls `tick` every `interval`,
/// off the socket server's event loops, so a slow /proc never delays ingest.
public final class Sampler: @unchecked Sendable {
    public let interval: Double
    private let engine: Engine
    /// When the last reading ended (engine clock): a sampler that stops or hangs shows here
    /// (`pipetop status`).
    private let lastReading = Mutex<Double?>(nil)
    public var lastReadingAt: Double? { lastReading.withLock { $0 } }
    /// Readings taken so far.
    public var readings: Int { readCount.load(ordering: .acquiring) }
    private let readCount = Atomic(0)
    private let host = HostReader()
    /// One reader per process, shared by the jobs it reports (an orchestrator reporting a
    /// thousand jobs from one process is read once a tick, not a thousand times).
    private var trees: [Int32: ProcessTreeReader] = [:]

    public init(engine: Engine, interval: Double = 1) {
        self.engine = engine
        self.interval = interval
    }

    /// One reading of the host and the tracked trees, applied to the engine (one caller at a
    /// time: the beat).
    public func tick() {
        let now = engine.clock.now()
        let state = engine.snapshot().state
        var jobs: [String: TreeSample] = [:]
        var gone = Set<String>()
        var samples: [Int32: TreeSample?] = [:]
        var alive: [Int32: Bool] = [:]
        for job in state.jobs.values where !job.state.isTerminal {
            // A watched process seen gone stays gone (its pid may be someone else's by now):
            // the reducer counts the grace from the first time.
            if job.pidGoneAt != nil && job.lostAt == nil { gone.insert(job.id) }
            // Only the watched process (`pid`) can make a job lost; a sampling hint is read only.
            guard let pid = job.sampledPid else { continue }
            if samples[pid] == nil {
                let reader = trees[pid] ?? ProcessTreeReader(root: pid)
                trees[pid] = reader
                samples[pid] = reader.sample(at: now).flatMap { $0.interval > 0 ? $0 : nil }
                alive[pid] = !(kill(pid, 0) != 0 && errno == ESRCH)
            }
            if let s = samples[pid] ?? nil { jobs[job.id] = s }
            if alive[pid] == false && pid == job.pid { gone.insert(job.id) }
        }
        for pid in trees.keys where samples[pid] == nil { trees[pid] = nil }
        engine.apply(SamplerReading(at: now, host: host.sample(), jobs: jobs, gone: gone))
        lastReading.withLock { $0 = engine.clock.now() }
        readCount.add(1, ordering: .releasing)
    }
}
