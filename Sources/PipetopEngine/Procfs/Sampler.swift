import Foundation
import PipetopCore
import Synchronization

/// Reads the host and every running job's process tree each `interval` on its own thread,
/// and applies the readings to the engine through the reducer. It never runs on the socket
/// server's event loops, so a slow /proc never delays ingest.
public final class Sampler: @unchecked Sendable {
    public let interval: Double
    private let engine: Engine
    private let onChange: @Sendable () -> Void
    private let stopped = Atomic(false)
    private let host = HostReader()
    private var trees: [String: ProcessTreeReader] = [:]

    public init(engine: Engine, interval: Double = 1, onChange: @escaping @Sendable () -> Void = {}) {
        self.engine = engine
        self.interval = interval
        self.onChange = onChange
    }

    public func start() {
        let t = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                let began = Date().timeIntervalSince1970
                tick()
                let spent = Date().timeIntervalSince1970 - began
                Thread.sleep(forTimeInterval: max(0.01, interval - spent))
            }
        }
        t.name = "pipetop-sampler"
        t.start()
    }

    public func stop() { stopped.store(true, ordering: .releasing) }

    /// One reading of the host and the tracked trees, applied to the engine.
    public func tick() {
        let now = engine.clock.now()
        let state = engine.snapshot().state
        var jobs: [String: TreeSample] = [:]
        var live = Set<String>()
        var gone = Set<String>()
        for job in state.jobs.values where !job.state.isTerminal {
            guard let pid = job.pid else { continue }
            live.insert(job.id)
            let reader: ProcessTreeReader
            if let r = trees[job.id], r.root == pid { reader = r } else {
                reader = ProcessTreeReader(root: pid)
                trees[job.id] = reader
            }
            if let s = reader.sample(at: now), s.interval > 0 { jobs[job.id] = s }
            if job.lostAt == nil, kill(pid, 0) != 0, errno == ESRCH { gone.insert(job.id) }
        }
        for id in trees.keys where !live.contains(id) { trees[id] = nil }
        engine.apply(SamplerReading(at: now, host: host.sample(), jobs: jobs, gone: gone))
        onChange()
    }
}
