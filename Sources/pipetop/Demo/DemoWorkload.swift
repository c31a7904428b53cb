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

    init(socket: String) { self.socket = socket }

    func start() {
        let t = Thread { [self] in self.run() }
        t.name = "pipetop-demo"
        t.start()
    }

    func stop() { stopped.store(true, ordering: .releasing) }

    private func run() {
        var conn: EngineConnection?
        var sims = DemoScript.jobs.map { JobSimulation(script: $0) }
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
}
