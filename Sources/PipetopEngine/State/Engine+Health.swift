import Foundation
import PipetopCore
import PipetopWire

/// The parts of a running engine besides its state that its health depends on; the server
/// that runs them attaches them (`attachHealth`).
struct HealthParts {
    var sampler: Sampler?
    var notifier: Notifier?
    var viewers: (@Sendable () -> Int)?
    var socket: String?
}

extension Engine {
    /// Tells `health()` where the sampler, the notifier and the viewers are.
    public func attachHealth(sampler: Sampler?, notifier: Notifier?, socket: String?, viewers: @escaping @Sendable () -> Int) {
        healthParts.withLock { $0 = HealthParts(sampler: sampler, notifier: notifier, viewers: viewers, socket: socket) }
    }

    /// The engine's health now: the facts read from each part, and the verdict on them.
    /// Cheap (no disk, no /proc): `/metrics` asks on every scrape.
    public func health() -> EngineHealth {
        let now = clock.now()
        let parts = healthParts.withLock { $0 }
        let state = snapshot().state
        var byState: [String: Int] = [:]
        for st in EngineHealth.jobKeys { byState[st] = 0 }
        var longest: Double?
        for job in state.jobs.values {
            // A lost job (its process gone with no job.end) is neither running nor waiting any
            // more: counted lost, as every viewer says it.
            if !job.state.isTerminal && job.lostAt != nil {
                byState[EngineHealth.lost, default: 0] += 1
                continue
            }
            byState[job.state.rawValue, default: 0] += 1
            if job.state == .pending, let q = job.queuedAt { longest = max(longest ?? 0, max(0, job.ownTime(now) - q)) }
        }
        var db = EngineHealth.Database(path: nil, writable: true)
        if let j = journal {
            let failure = j.failure
            db = EngineHealth.Database(path: j.store.path, writable: failure == nil, error: failure?.reason, backlog: Int(j.backlog),
                                       backlogLimit: j.maxBacklog, refusing: j.refusal() != nil)
        }
        let sampler = parts.sampler.map { s in
            EngineHealth.Sampler(intervalS: s.interval, lastSampleAgeS: max(0, now - (s.lastReadingAt ?? startedAt)))
        }
        let targets = (parts.notifier?.stats ?? []).map {
            EngineHealth.Target(name: $0.target, queued: $0.queued, sent: $0.sent, failingInARow: $0.failingInARow, givenUp: $0.givenUp,
                                dropped: $0.dropped, lastError: $0.lastError)
        }
        return EngineHealth(version: pipetopVersion, pid: getpid(), now: now, startedAt: startedAt, socket: parts.socket, database: db,
                            sampler: sampler, notifiers: targets, viewers: parts.viewers?() ?? 0, jobs: byState,
                            queue: EngineHealth.Queue(waiting: byState[JobState.pending.rawValue] ?? 0, longestWaitS: longest))
    }
}
