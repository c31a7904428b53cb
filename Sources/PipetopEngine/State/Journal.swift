import Foundation
import PipetopCore
import PipetopStore
import Synchronization

/// Writes applied events to the store in batches, off the ingest path: the socket never
/// waits for the disk, except a client that asked with `sync` (its reply waits for the commit
/// of everything before it). Fire-and-forget risks at most one batch window (`window`).
/// Every `snapshotEvery` seconds the state is snapshotted and the journal before it dropped.
public final class Journal: @unchecked Sendable {
    public let store: Store
    public let window: Double
    public let snapshotEvery: Double
    private let pending = Mutex<[Store.Entry]>([])
    private let committed = Atomic<Int64>(0)
    private let waiters = Mutex<[(seq: Int64, run: @Sendable () -> Void)]>([])
    private let stopped = Atomic(false)
    private let finished = DispatchSemaphore(value: 0)
    private var thread: Thread?
    /// Supplies (state, journal seq it covers) for snapshots; set by the engine.
    var snapshotSource: (@Sendable () -> (PipelineState, Int64))?

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

    func enqueue(_ e: Store.Entry) {
        pending.withLock { $0.append(e) }
        enqueued.store(e.seq, ordering: .releasing)
    }

    /// Most entries applied but not yet on disk. Past it, `waitForRoom` holds producers back
    /// until the writer has caught up by half: memory stays bounded when clients send faster
    /// than the disk takes it (measured: 640,000 entries, 300 MB, waiting with 1,000 clients
    /// when only reads were paused).
    public var maxBacklog = 100_000
    private let enqueued = Atomic<Int64>(0)
    private let room = NSCondition()

    /// The disk refuses writes (full, read-only...): producers are not held back for it, or
    /// ingest would stop for good; the entries wait in memory as before.
    private let failing = Atomic(false)
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
        room.lock()
        room.broadcast()
        room.unlock()
    }

    /// Entries applied but not yet committed (queued or being written).
    public var backlog: Int64 { max(0, enqueued.load(ordering: .acquiring) - committed.load(ordering: .acquiring)) }

    /// Blocks the calling producer's thread while the backlog is over `maxBacklog`, until it is
    /// down to half (or the journal stops).
    func waitForRoom() {
        guard backlog > maxBacklog, !holdingOff else { return }
        room.lock()
        while backlog > maxBacklog / 2 && !holdingOff {
            _ = room.wait(until: Date().addingTimeInterval(0.5))
        }
        room.unlock()
    }

    /// Runs `body` once every entry up to `seq` is on disk (at once if it already is).
    func whenCommitted(through seq: Int64, _ body: @escaping @Sendable () -> Void) {
        if committed.load(ordering: .acquiring) >= seq { body(); return }
        waiters.withLock { $0.append((seq, body)) }
        // The writer may have committed between the check and the append.
        if committed.load(ordering: .acquiring) >= seq { fireWaiters() }
    }

    public var committedThrough: Int64 { committed.load(ordering: .acquiring) }

    func start() {
        let t = Thread { [self] in
            var lastSnapshot = Date().timeIntervalSince1970
            var lastPrune = 0.0
            while !stopped.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: window)
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
            snapshot()
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
        let batch = pending.withLock { p -> [Store.Entry] in defer { p.removeAll(keepingCapacity: true) }; return p }
        guard !batch.isEmpty else { return }
        var written = 0
        do {
            // In chunks, so that syncs and held-back producers go on as soon as theirs is in.
            while written < batch.count {
                let chunk = batch[written..<min(batch.count, written + Self.chunk)]
                try store.append(Array(chunk))
                written += chunk.count
                committed.store(chunk.last!.seq, ordering: .releasing)
                failing.store(false, ordering: .releasing)
                wakeProducers()
                if written < batch.count { fireWaiters() }
            }
        } catch {
            // Keep what was not written for the next try rather than lose it.
            pending.withLock { $0.insert(contentsOf: batch[written...], at: 0) }
            failing.store(true, ordering: .releasing)
            wakeProducers()
            FileHandle.standardError.write(Data("pipetop: writing \(store.path) failed: \(error)\n".utf8))
            return
        }
        fireWaiters()
    }

    private func fireWaiters() {
        let done = committed.load(ordering: .acquiring)
        let ready = waiters.withLock { w -> [@Sendable () -> Void] in
            let r = w.filter { $0.seq <= done }.map(\.run)
            w.removeAll { $0.seq <= done }
            return r
        }
        for r in ready { r() }
    }

    private func snapshot() {
        guard let source = snapshotSource else { return }
        let (state, seq) = source()
        flush()
        guard seq <= committed.load(ordering: .acquiring), seq > 0 else { return }
        try? store.saveSnapshot(state, through: seq, at: Date().timeIntervalSince1970)
    }

    /// Stops the writer after a last commit and snapshot.
    public func close() {
        guard thread != nil, !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
    }
}
