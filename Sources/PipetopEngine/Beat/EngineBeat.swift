import Foundation
import PipetopCore
import Synchronization

/// The engine's periodic work on one timer, in a fixed order: read /proc (when a sample is
/// due), refresh the estimates and evaluate the rules (a stall shows though nothing arrives),
/// look at the spool, send viewers what changed (and heartbeats), and hand alerts to the
/// notifier. One wakeup a beat instead of one per timer (the sampler's thread, the estimates
/// timer, the hub's flush after each sample and the spool check each woke on their own).
///
/// The beat is at most a second apart: the sample interval when sampling is once a second or
/// faster, else the longest period under a second that divides it (5 s: a beat a second, a
/// sample every fifth; 1.5 s: a beat every 0.75 s, a sample every second one). Work with
/// nothing to do costs nothing: no flush without a viewer or a change, the spool drained
/// only when a file is there (one `lstat` a beat).
///
/// It runs on its own thread (`BeatThread`), or, in the local dashboard, on the dashboard's
/// thread (`host()`; the dashboard calls `runIfDue` at each turn of its loop), so that the
/// engine's beat and a redraw are one wakeup.
public final class EngineBeat: Sendable {
    /// Seconds between beats.
    public let interval: Double
    /// A sample is read every this many beats (the sampler off: never).
    public let beatsPerSample: Int
    private let engine: Engine
    private let sampler: Sampler?
    private let hub: SubscriberHub
    private let notifier: Notifier?
    private let spoolDrain = Mutex<SpoolDrain?>(nil)
    /// The engine's version at the last beat: a change nobody announced (one made off the
    /// socket: a sample, an estimate, pipetop's own alert) is sent to viewers from there.
    private let seen = VersionSeen()
    /// When the next beat is due (monotonic seconds), and beats run so far.
    private let schedule = Mutex<(next: Double, count: Int)>((0, 0))
    private let running = Atomic(false)
    /// Whether a dashboard in this process runs the beat (its thread then only watches).
    let hosted = Atomic(false)

    /// Beats run (tests wait on it).
    public var count: Int { schedule.withLock { $0.count } }

    init(engine: Engine, sampler: Sampler?, hub: SubscriberHub, notifier: Notifier?) {
        self.engine = engine
        self.sampler = sampler
        self.hub = hub
        self.notifier = notifier
        (interval, beatsPerSample) = Self.cadence(sampleInterval: sampler?.interval ?? 0)
        schedule.withLock { $0.next = Monotonic.now() }  // the first beat at start: a first sample to count CPU from
    }

    /// The beat and how many beats make a sample, for a sample interval (0: no sampling).
    static func cadence(sampleInterval s: Double) -> (interval: Double, beatsPerSample: Int) {
        guard s > 0 else { return (1, 0) }
        guard s > 1 else { return (s, 1) }
        let n = Int((s - 1e-9).rounded(.up))
        return (s / Double(n), n)
    }

    /// The spool looked at on each beat (nil: none).
    func watch(_ drain: SpoolDrain?) { spoolDrain.withLock { $0 = drain } }

    /// From now on the caller's loop runs the beat (`runIfDue` at each of its turns); the
    /// beat's thread only stands in when that loop is held up longer than `BeatThread.grace`
    /// (a terminal that does not take output), so the engine never stops beating.
    public func host() { hosted.store(true, ordering: .releasing) }

    /// Runs the beat if it is due (`grace` seconds late at most: the stand-in's margin);
    /// returns the seconds until the next one is due (plus `grace`).
    @discardableResult
    public func runIfDue(grace: Double = 0) -> Double {
        let now = Monotonic.now()
        // poll and sleeps round to milliseconds: a beat a hair early is on time.
        if now + 0.002 >= schedule.withLock({ $0.next }) + grace { run(at: now) }
        return max(0, schedule.withLock { $0.next } + grace - Monotonic.now())
    }

    /// One beat, whatever the time (never two at once: a second caller returns at once).
    public func run() { run(at: Monotonic.now()) }

    private func run(at now: Double) {
        guard !running.exchange(true, ordering: .acquiring) else { return }
        defer { running.store(false, ordering: .releasing) }
        let beat = schedule.withLock { s -> Int in
            // On the grid while on time (no drift); from now after a beat was missed.
            s.next = now - s.next < interval ? s.next + interval : now + interval
            s.count += 1
            return s.count
        }
        if let sampler, (beat - 1) % beatsPerSample == 0 { sampler.tick() }
        engine.tick()
        // Off this thread only when there is something: a big spool must not hold the beat.
        if let drain = spoolDrain.withLock({ $0 }), drain.hasWork {
            let engine = self.engine, hub = self.hub
            DispatchQueue.global(qos: .utility).async { if drain.drain(into: engine).applied > 0 { hub.changed() } }
        }
        let version = engine.version
        hub.beat(changed: seen.exchange(version) != version)
        notifier?.observe(engine.snapshot().state, now: engine.clock.now())
    }
}

/// Seconds on the monotonic clock (a beat keeps its pace when the wall clock is set).
enum Monotonic {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
