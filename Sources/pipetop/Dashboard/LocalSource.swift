import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

/// The engine in this process: its state is projected onto the Board once per change (and
/// per focus), as the hub does for remote viewers. The dashboard's loop runs the engine's
/// beat (`pump`), so the engine's once-a-second work and a redraw are one wakeup; at a refresh
/// of a beat or longer the hub sends our frames from that beat (a wake pipe, written on this
/// same thread), else at most once per refresh from an event loop.
final class LocalSource: SnapshotSource {
    let server: EngineServer
    private let pipe = WakePipe()
    private let options = Mutex(BoardOptions())
    /// Moves at every change of focus: the version shown moves with it (both only grow).
    private let focusChanges = Atomic<UInt64>(0)
    /// The last Board made, for the version and view it was made for.
    private let made = Mutex<(version: UInt64, options: BoardOptions, board: Board)?>(nil)
    /// A frame is due (the hub said so, or what we sent changed the state): the next
    /// `current()` projects the engine's newest state. Between frames it shows the last one,
    /// though the loop wakes at every beat: frames stay at the refresh's pace.
    private let due = Atomic(true)

    init(server: EngineServer, fps: Double) {
        self.server = server
        let pipe = self.pipe
        server.beat.host()
        let onBeat = 1 / fps >= server.beat.interval - 0.001 ? server.beat.interval : nil
        _ = server.hub.addLocal(fps: fps, beat: onBeat) { [weak self] in  // for the life of the process
            self?.due.store(true, ordering: .releasing)
            pipe.wake()
        }
    }

    var readFDs: [Int32] { [pipe.readFD] }
    var beat: Double? { server.beat.interval }
    /// Runs the engine's beat when due (its frame, if one is due, is in the pipe then), then
    /// empties the pipe: `current()` projects what is new.
    func pump() -> Double {
        let next = server.beat.runIfDue()
        pipe.drain()
        return next
    }

    /// What a key sent shows at once (an acknowledgement, a signal's outcome in the log).
    func send(_ events: [Event]) {
        for e in events { server.engine.apply(e) }
        server.hub.changed()
        due.store(true, ordering: .releasing)
        pipe.wake()
    }

    func signal(job: String, signal: String, by: String) {
        server.engine.signal(job: job, signal, by: by, peerUID: getuid())  // the same user: this process
        server.hub.changed()
        due.store(true, ordering: .releasing)
        pipe.wake()
    }

    func focus(job: String?, phase: String?) {
        options.withLock { $0.focusJob = job; $0.focusPhase = job == nil ? nil : phase }
        focusChanges.add(1, ordering: .relaxed)
        pipe.wake()
    }

    func current() -> SourceSnapshot? {
        let view = options.withLock { $0 }
        let last = made.withLock { $0 }
        let version: UInt64, board: Board
        if let m = last, m.options == view, !due.exchange(false, ordering: .acquiringAndReleasing) || m.version == server.engine.version {
            (version, board) = (m.version, m.board)
        } else {
            let (v, state) = server.engine.snapshot()
            board = BoardProjector.board(state, now: server.engine.clock.now(), options: view)
            made.withLock { $0 = (v, view, board) }
            version = v
        }
        return SourceSnapshot(version: version &+ focusChanges.load(ordering: .relaxed), board: board, host: server.host, socket: server.socketPath, link: .live)
    }
}
