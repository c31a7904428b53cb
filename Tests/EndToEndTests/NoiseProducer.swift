import Foundation
import Synchronization
@testable import PipetopClient

/// A job that reports without ever syncing (progress and info lines, no alerts), on its own
/// thread until `stop`: the Board soak kills the engine in the middle of its traffic.
final class NoiseProducer: Sendable {
    static let job = "noise"
    private let stopped = Atomic(false)
    private let done = DispatchSemaphore(value: 0)

    init(sock: String) {
        let thread = Thread { [self] in
            defer { done.signal() }
            guard let c = try? EngineConnection(path: sock) else { return }
            defer { c.close() }
            var n = 0
            do {
                try c.send(#"{"type":"job.start","job":"\#(Self.job)","phases":["x"]}"# + "\n")
                while !stopped.load(ordering: .relaxed) {
                    n += 1
                    try c.send(#"{"type":"progress","job":"\#(Self.job)","phase":"x","done":\#(n)}"# + "\n"
                               + (n % 50 == 0 ? #"{"type":"log","job":"\#(Self.job)","level":"info","message":"at \#(n)"}"# + "\n" : ""))
                    if n % 100 == 0 { usleep(1_000) }
                }
            } catch {
                return  // the engine was killed under it: expected
            }
        }
        thread.start()
    }

    /// Stops it and waits until its thread has ended.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        done.wait()
    }
}
