import Foundation
import Synchronization

/// Runs the engine's beat on a thread of its own: one wakeup a beat. While a dashboard hosts
/// the beat (`EngineBeat.host()`), it only stands in for a dashboard held up for `grace`
/// seconds, and wakes about once per `grace`.
final class BeatThread: Sendable {
    /// How late a hosted beat may be before this thread runs it.
    static let grace = 5.0

    private let beat: EngineBeat
    private let stopped = Atomic(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Atomic(false)

    init(beat: EngineBeat) { self.beat = beat }

    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let t = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                let hosted = beat.hosted.load(ordering: .acquiring)
                let wait = beat.runIfDue(grace: hosted ? Self.grace : 0)
                _ = wake.wait(timeout: .now() + max(0.001, wait))
            }
            finished.signal()
        }
        t.name = "pipetop-beat"
        t.start()
    }

    /// Ends the thread (after the beat under way, if any).
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing), started.load(ordering: .acquiring) else { return }
        wake.signal()
        _ = finished.wait(timeout: .now() + 5)
    }
}
