import Foundation
import PipetopClient
import PipetopCore
import PipetopWire
import Synchronization

/// Feeds the demo jobs to an engine over its real socket, as an outside producer would.
/// One thread, ten ticks a second; each job's history before "now" is replayed first with
/// past timestamps, so the screen is full from the first frame.
final class DemoWorkload: Sendable {
    let socket: String
    private let stopped = Atomic(false)
    /// Signalled when the thread has let go of the engine (its connection closed).
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic(false)

    init(socket: String) { self.socket = socket }

    func start() {
        started.store(true, ordering: .releasing)
        let t = Thread { [self] in self.run(); self.finished.signal() }
        t.name = "pipetop-demo"
        t.start()
    }

    /// Stops the feed and waits (a moment at most) until its connection is closed, so the
    /// engine can be stopped after it without a connection arriving at a closed loop.
    func stop() {
        stopped.store(true, ordering: .releasing)
        if started.load(ordering: .acquiring) { _ = finished.wait(timeout: .now() + 2) }
    }

    private func run() {
        var conn: EngineConnection?
        let worker = DemoWorker.start()
        defer { worker?.stop() }
        var sims = DemoScript.jobs.map { JobSimulation(script: $0, samplePid: $0.sampled ? worker?.pid : nil, runsBefore: DemoScript.pastRuns) }
        // The past first: the live runs' clock starts once it is made, so they are not behind.
        var backlog = Self.pastRuns(before: Date().timeIntervalSince1970)
        var last = Date().timeIntervalSince1970
        // Replay history, in one-second steps, with the timestamps it would have had.
        for i in sims.indices {
            let start = last - sims[i].script.startedAgo
            var t = start
            sims[i].begin(at: t)
            while t < last {
                let dt = min(1, last - t)
                t += dt
                sims[i].tick(dt: dt, at: t)
            }
        }
        while !stopped.load(ordering: .acquiring) {
            if conn == nil { conn = try? EngineConnection(path: socket) }
            let now = Date().timeIntervalSince1970
            let dt = now - last
            last = now
            for i in sims.indices { sims[i].tick(dt: dt, at: now) }
            if let c = conn {
                if !backlog.isEmpty {
                    do { try c.send(backlog.map(EventEncoder.line).joined()); backlog = [] } catch { conn = nil; continue }
                }
                var out = ""
                for i in sims.indices {
                    for e in sims[i].drain() { out += EventEncoder.line(e) }
                }
                if !out.isEmpty {
                    do { try c.send(out) } catch { conn = nil }
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        conn?.close()
    }

    /// `DemoScript.pastRuns` completed runs of every pipeline, an hour apart, ending before its
    /// live run starts, in one-second steps with the timestamps they would have had.
    static func pastRuns(before now: Double) -> [Event] {
        var events: [Event] = []
        for job in DemoScript.jobs {
            var sim = JobSimulation(script: job, rehearsal: true)
            for k in 0..<DemoScript.pastRuns {
                var t = now - job.startedAgo - Double(DemoScript.pastRuns - k) * 3600
                sim.begin(at: t)
                // In 5-second steps (a past run needs its shape, not every count); a run of the
                // script takes minutes, 3 hours bounds one that never ends.
                for _ in 0..<2_160 where !sim.ended {
                    t += 5
                    sim.tick(dt: 5, at: t)
                }
                events += sim.drain()
            }
        }
        return events
    }
}
