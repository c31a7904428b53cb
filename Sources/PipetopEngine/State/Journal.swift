import Foundation
import PipetopCore
import PipetopSpool
import PipetopStore
import Synchronization

/// Writes applied events to the store in batches, off the ingest path: the socket never
/// waits for the disk, except a client that asked with `sync` (its reply waits for the commit
/// of everything before it). Fire-and-forget risks at most one batch window (`window`).
/// Every `snapshotEvery` seconds the state is snapshotted and the journal before it dropped.
///
/// Progress counts are absolute, so a batch keeps of a run of progress updates to one phase
/// only the first and the newest (`ProgressRuns`): a producer sending a million counts a
/// second costs the disk a few rows per batch, and a restart still finds the newest count.
///
/// When the database cannot be written (disk full, read-only), the engine goes on from
/// memory: entries wait here (at most `maxBacklog` of them, `maxBacklogBytes` of text; past
/// that new events are refused with the reason), a `sync` is answered at once with an error
/// saying so, the failure is logged once a minute, and everything held is written as soon as
/// the disk takes it again.
public final class Journal: @unchecked Sendable {
    public let store: Store
    public let window: Double
    public let snapshotEvery: Double
    private let pending = Mutex(Queue())
    private let committed = Atomic<Int64>(0)
    private let waiters = Mutex<[(seq: Int64, run: @Sendable (_ unsaved: String?) -> Void)]>([])
    private let stopped = Atomic(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Wakes the writer before its window is over: a client waits for a commit (`sync`).
    private let wake = DispatchSemaphore(value: 0)
    /// The writer sleeps until something is queued (not a window at a time: an idle engine
    /// would wake 20 times a second); the first row queued then wakes it. While rows wait it
    /// sleeps out its window: more rows do not wake it (a producer per connection would
    /// otherwise wake it, and cost a commit, at every read), a `sync` and a full backlog do.
    private let sleeping = Atomic(false)
    private var thread: Thread?
    /// Supplies (state, journal seq it covers, state version) for snapshots; set by the engine.
    var snapshotSource: (@Sendable () -> (PipelineState, Int64, UInt64))?
    /// A state that changed only through what is not journaled (samples: resource timelines)
    /// is snapshotted at most this often; one that changed through events, every
    /// `snapshotEvery`; one that did not change, never (an idle engine holding 24 MB of
    /// checkpoints rewrote them every minute: 5 GB an hour).
    public var quietSnapshotEvery: Double = 600
    /// Snapshots considered and written (tests watch an idle engine write none).
    public let snapshotsConsidered = Atomic<Int>(0)
    /// Commits of queued rows (tests count them against the windows).
    public let commits = Atomic<Int>(0)
    public let snapshotsWritten = Atomic<Int>(0)
    private var lastSnapshotSeq: Int64 = -1
    private var lastSnapshotVersion: UInt64?
    private var lastSnapshotAt = 0.0

    /// Retention: journal entries older than this many days are pruned (nil: kept).
    public var keepDays: Double? = 30
    /// Retention: the journal is pruned from its oldest entries while the file is larger.
    public var maxBytes: Int? = 512 << 20
    /// How often retention runs (seconds).
    public var pruneEvery: Double = 600

    public init(store: Store, committedThrough: Int64, window: Double = 0.05, snapshotEvery: Double = 60) {
        self.store = store
        self.window = window
        self.snapshotEvery = snapshotEvery
        committed.store(committedThrough, ordering: .relaxed)
    }

    /// Queues applied events: `body` adds them (in the engine's order, under its lock) to the
    /// queue, which is locked once for them all; nothing is copied on the way.
    func enqueue(_ body: (inout Queue) -> Void) {
        var (added, bytes, through): (Int, Int, Int64) = (0, 0, 0)
        pending.withLock { q in
            let (rows, held, last) = (q.rows.count, q.bytes, q.through)
            body(&q)
            (added, bytes, through) = (q.rows.count - rows, q.bytes - held, q.through)
            if through == last { through = 0 }  // nothing was added
        }
        guard through > 0 else { return }
        pendingBytes.add(bytes, ordering: .relaxed)
        let held = rowsHeld.add(added, ordering: .relaxed).newValue
        enqueued.store(through, ordering: .releasing)
        // A backlog that passes half its bound is written without waiting out the window (once,
        // as it passes: producers are about to be held back for it).
        let pressing = held > maxBacklog / 2 && held - added <= maxBacklog / 2
        if sleeping.exchange(false, ordering: .acquiringAndReleasing) || pressing { wake.signal() }
    }

    func enqueue(_ events: [Applied]) {
        enqueue { q in for e in events { q.add(e) } }
    }

    /// Most rows applied but not yet on disk. Past it, producers' connections are not read
    /// (`needsRoom`, `whenRoom`) until the writer has caught up by half: no event loop waits,
    /// and memory stays bounded when clients send faster
    /// than the disk takes it (measured: 640,000 entries, 300 MB, waiting with 1,000 clients
    /// when only reads were paused). Counted in rows, so counts merged into a row hold
    /// nobody back; while the disk fails, events are refused past it counted as events (`refusal`).
    public var maxBacklog = 100_000
    /// Most bytes of event text waiting for the disk (lines may be long; the count alone
    /// would not bound the memory).
    public var maxBacklogBytes = 64 << 20
    private let enqueued = Atomic<Int64>(0)
    /// Rows queued or being written: what the back-pressure bounds (merged counts take none).
    private let rowsHeld = Atomic<Int>(0)
    public var rowsWaiting: Int { rowsHeld.load(ordering: .relaxed) }
    private let pendingBytes = Atomic<Int>(0)

    /// The disk refuses writes (full, read-only...): producers are not held back for it, or
    /// ingest would stop for good; the entries wait in memory, up to the bounds above.
    private let failing = Atomic(false)
    /// Why, while it fails.
    private let trouble = Mutex<StoreFailure?>(nil)
    /// Told (on the writer's thread) when writing starts failing and when it works again (nil).
    var onHealthChange: (@Sendable (StoreFailure?) -> Void)?
    /// Whether failures are logged on standard error (not when it is the dashboard's terminal:
    /// the dashboard's banner says it there).
    public let logsToStderr = Atomic(true)
    private func log(_ text: String) { if logsToStderr.load(ordering: .relaxed) { SafeWrite.stderr(text) } }
    /// How often the failure is logged while it lasts, and how often writing is retried.
    public var logEvery: Double = 60
    public var retryEvery: Double = 1
    private var lastLogged = 0.0

    /// Why the database cannot be written just now (nil: it can).
    public var failure: StoreFailure? { failing.load(ordering: .acquiring) ? trouble.withLock { $0 } : nil }

    /// What a `sync` is told while the database cannot be written.
    public func unsavedMessage() -> String? {
        guard let f = failure else { return nil }
        return "events are applied but not saved: \(f); \(Self.waiting(backlog)) in memory, to be written when it can be"
    }

    /// Why a new event must be refused: the database cannot be written and what waits for it
    /// is at its bound (nil: it may be applied). Cheap: checked for every journaled event.
    /// `more`: events applied but not yet queued (the rest of a read).
    func refusal(more: Int = 0) -> String? {
        guard failing.load(ordering: .acquiring) else { return nil }
        let waiting = backlog + Int64(more)
        guard waiting >= maxBacklog || pendingBytes.load(ordering: .relaxed) >= maxBacklogBytes else { return nil }
        let f = trouble.withLock { $0.map { "\($0)" } ?? "the database cannot be written" }
        return "not applied: \(f), and \(Self.events(waiting)) already wait in memory for it "
            + "(the limit is \(maxBacklog) events or \(maxBacklogBytes >> 20) MB)"
    }
    /// The engine is shutting down: nobody waits any more.
    private let released = Atomic(false)
    private var holdingOff: Bool {
        failing.load(ordering: .acquiring) || released.load(ordering: .acquiring) || stopped.load(ordering: .acquiring)
    }

    /// Lets every waiting producer go and stops holding any back (before the event loops shut down).
    public func stopHoldingBack() {
        released.store(true, ordering: .releasing)
        wakeProducers()
    }

    private func wakeProducers() {
        guard rowsWaiting <= maxBacklog / 2 || holdingOff else { return }
        let ready = roomWaiters.withLock { w -> [@Sendable () -> Void] in defer { w.removeAll() }; return w }
        for resume in ready { resume() }
    }

    /// Connections that stopped reading for room, resumed once the backlog is down to half.
    private let roomWaiters = Mutex<[@Sendable () -> Void]>([])

    /// A producer should stop reading: more than `maxBacklog` rows wait (not while the disk
    /// fails, where `refusal` bounds it, nor at shutdown).
    func needsRoom() -> Bool { rowsWaiting > maxBacklog && !holdingOff }

    /// Runs `resume` once the rows waiting are down to half (at once if it already is): what a
    /// connection that paused its reading for the disk waits for. Nothing blocks meanwhile.
    func whenRoom(_ resume: @escaping @Sendable () -> Void) {
        roomWaiters.withLock { $0.append(resume) }
        wakeProducers()  // the writer may have caught up in between
    }

    /// Entries applied but not yet committed (queued or being written).
    public var backlog: Int64 { max(0, enqueued.load(ordering: .acquiring) - committed.load(ordering: .acquiring)) }


    /// Runs `body(nil)` once every entry up to `seq` is on disk (at once if it already is), or
    /// `body(why)` as soon as the database cannot be written: a `sync` never waits for a disk
    /// that fails.
    func whenCommitted(through seq: Int64, _ body: @escaping @Sendable (_ unsaved: String?) -> Void) {
        if committed.load(ordering: .acquiring) >= seq { body(nil); return }
        if let why = unsavedMessage() { body(why); return }
        waiters.withLock { $0.append((seq, body)) }
        wake.signal()  // a client waits: commit now rather than at the end of the window
        // The writer may have committed, or failed, between the checks and the append.
        if committed.load(ordering: .acquiring) >= seq { fireWaiters() }
        if let why = unsavedMessage() { fireWaiters(unsaved: why) }
    }

    public var committedThrough: Int64 { committed.load(ordering: .acquiring) }

    func start() {
        let t = Thread { [self] in
            var lastSnapshot = Date().timeIntervalSince1970
            var lastPrune = 0.0
            while !stopped.load(ordering: .acquiring) {
                // A disk that fails is retried once a `retryEvery`, not every window: each try
                // costs a transaction and a copy of everything held.
                if failing.load(ordering: .acquiring) {
                    Thread.sleep(forTimeInterval: retryEvery)
                } else if pending.withLock({ $0.rows.isEmpty }) {
                    // Nothing queued: sleep until a row is (or the next snapshot or prune is due).
                    sleeping.store(true, ordering: .releasing)
                    // (Checked again: a row queued before the flag was up did not wake us.)
                    if pending.withLock({ $0.rows.isEmpty }) {
                        let rest = max(window, min(lastSnapshot + snapshotEvery, lastPrune + pruneEvery) - Date().timeIntervalSince1970)
                        _ = wake.wait(timeout: .now() + rest)
                    }
                    sleeping.store(false, ordering: .releasing)
                    // Woken by a row: the rows of the window go with it in one commit (a `sync`
                    // ends the wait at once). Events that come one at a time would otherwise
                    // each find the writer idle and cost a commit of their own.
                    if !pending.withLock({ $0.rows.isEmpty }) && waiters.withLock({ $0.isEmpty }) {
                        _ = wake.wait(timeout: .now() + window)
                    }
                } else {
                    // Rows wait: they are written at the end of the window (sooner for a `sync`).
                    _ = wake.wait(timeout: .now() + window)
                }
                flush()
                let now = Date().timeIntervalSince1970
                if now - lastSnapshot >= snapshotEvery {
                    snapshot()
                    lastSnapshot = now
                }
                // Retention runs here, on the writer's thread: ingest never waits for it.
                if now - lastPrune >= pruneEvery {
                    lastPrune = now
                    _ = try? store.prune(before: keepDays.map { now - $0 * 86_400 } ?? 0, maxBytes: maxBytes)
                }
            }
            flush()
            snapshot(final: true)
            finished.signal()
        }
        t.name = "pipetop-journal"
        thread = t
        t.start()
    }

    /// Rows a commit writes at most.
    static let chunk = 20_000

    /// Commits what is pending, then wakes the `sync` replies it covers.
    public func flush() {
        let (batch, through) = pending.withLock { $0.take() }
        guard !batch.isEmpty else { return }
        var written = 0
        do {
            // In chunks, so that syncs and held-back producers go on as soon as theirs is in.
            while written < batch.count {
                let chunk = batch[written..<min(batch.count, written + Self.chunk)]
                try store.append(chunk.map(\.row))
                commits.add(1, ordering: .relaxed)
                written += chunk.count
                // Every event up to the chunk's last row is in (a count merged into an earlier
                // row was newer: it is in too); the last chunk covers the whole batch.
                committed.store(written < batch.count ? chunk.last!.entry.seq : through, ordering: .releasing)
                pendingBytes.subtract(chunk.reduce(0) { $0 + $1.weight }, ordering: .relaxed)
                rowsHeld.subtract(chunk.count, ordering: .relaxed)
                if failing.load(ordering: .acquiring) { recovered() }
                wakeProducers()
                if written < batch.count { fireWaiters() }
            }
        } catch {
            // Keep what was not written for the next try rather than lose it.
            pending.withLock { $0.putBack(batch[written...], through: through) }
            failed(error as? StoreFailure ?? StoreFailure(path: store.path, reason: "\(error)"))
            return
        }
        fireWaiters()
    }

    /// Writing failed: say so (at once, then once a `logEvery` with what waits), answer every
    /// waiting `sync`, and stop holding producers back.
    private func failed(_ f: StoreFailure) {
        let first = !failing.load(ordering: .acquiring)
        trouble.withLock { $0 = f }
        failing.store(true, ordering: .releasing)
        wakeProducers()
        let now = Date().timeIntervalSince1970
        if first || now - lastLogged >= logEvery {
            lastLogged = now
            log("pipetop: events are applied but not saved: \(f); \(Self.waiting(backlog)) in memory "
                             + "(at most \(maxBacklog)); writing is retried every \(Int(retryEvery)) s\n")
        }
        if first { onHealthChange?(f) }
        if let why = unsavedMessage() { fireWaiters(unsaved: why) }
    }

    /// Writing works again (what waited is being written).
    private func recovered() {
        failing.store(false, ordering: .releasing)
        trouble.withLock { $0 = nil }
        log("pipetop: \(store.path) can be written again; the events that waited in memory are being saved\n")
        onHealthChange?(nil)
    }

    /// Answers the waiters whose entries are on disk; with `unsaved`, every waiter, with it.
    private func fireWaiters(unsaved: String? = nil) {
        let done = committed.load(ordering: .acquiring)
        let ready = waiters.withLock { w -> [(seq: Int64, run: @Sendable (String?) -> Void)] in
            let r = w.filter { unsaved != nil || $0.seq <= done }
            w.removeAll { unsaved != nil || $0.seq <= done }
            return r
        }
        for r in ready { r.run(r.seq <= done ? nil : unsaved) }
    }

    /// Writes a snapshot when the state changed: through events always, through samples only
    /// once `quietSnapshotEvery` has passed (or at the end, `final`).
    private func snapshot(final: Bool = false) {
        guard let source = snapshotSource else { return }
        snapshotsConsidered.add(1, ordering: .relaxed)
        let (state, seq, version) = source()
        let now = Date().timeIntervalSince1970
        let eventsMoved = seq != lastSnapshotSeq
        let samplesMoved = version != lastSnapshotVersion && (final || now - lastSnapshotAt >= quietSnapshotEvery)
        guard eventsMoved || samplesMoved else { return }
        flush()
        guard seq <= committed.load(ordering: .acquiring), seq > 0 else { return }
        guard (try? store.saveSnapshot(state, through: seq, at: now)) != nil else { return }
        snapshotsWritten.add(1, ordering: .relaxed)
        lastSnapshotSeq = seq
        lastSnapshotVersion = version
        lastSnapshotAt = now
    }

    static func events(_ n: Int64) -> String { n == 1 ? "1 event" : "\(n) events" }
    static func waiting(_ n: Int64) -> String { n == 1 ? "1 event waits" : "\(n) events wait" }

    /// Where the events the database could not take go when the engine stops: the spool of
    /// its socket (usually on another filesystem), which the next engine applies at its start.
    public var spoolOnStop: Spool?

    /// Stops the writer after a last commit and snapshot. What the database still could not
    /// take is written to `spoolOnStop` (see `spill`), and the log says where it went.
    public func close() {
        guard thread != nil, !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        finished.wait()
        if let f = failure {
            let rows = pending.withLock { $0.take().rows }
            SafeWrite.stderr("pipetop: \(Self.events(backlog)) could not be saved before the engine stopped: \(f); "
                             + spill(rows.filter { !$0.spooled }.map(\.row), spooledRows: rows.filter(\.spooled).count) + "\n")
        }
    }
}
