import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

/// The engine in this process: its state is projected onto the Board once per change (and
/// per focus), as the hub does for remote viewers; the hub nudges us (a wake pipe, from the
/// engine's thread) at most once per refresh.
final class LocalSource: SnapshotSource {
    let server: EngineServer
    private let pipe = WakePipe()
    private let options = Mutex(BoardOptions())
    /// Moves at every change of focus: the version shown moves with it (both only grow).
    private let focusChanges = Atomic<UInt64>(0)
    /// The last Board made, for the version and view it was made for.
    private let made = Mutex<(version: UInt64, options: BoardOptions, board: Board)?>(nil)

    init(server: EngineServer, fps: Double) {
        self.server = server
        let pipe = self.pipe
        _ = server.hub.addLocal(fps: fps) { pipe.wake() }  // for the life of the process
    }

    var readFDs: [Int32] { [pipe.readFD] }
    /// Nothing to do but empty the pipe: `current()` projects what is new.
    func pump() -> Double {
        pipe.drain()
        return 3600
    }

    func send(_ events: [Event]) {
        for e in events { server.engine.apply(e) }
        server.hub.changed()
    }

    func signal(job: String, signal: String, by: String) {
        server.engine.signal(job: job, signal, by: by, peerUID: getuid())  // the same user: this process
        server.hub.changed()
    }

    func focus(job: String?, phase: String?) {
        options.withLock { $0.focusJob = job; $0.focusPhase = job == nil ? nil : phase }
        focusChanges.add(1, ordering: .relaxed)
        pipe.wake()
    }

    func current() -> SourceSnapshot? {
        let version = server.engine.version
        let view = options.withLock { $0 }
        let board: Board
        if let m = made.withLock({ $0 }), m.version == version, m.options == view {
            board = m.board
        } else {
            let (v, state) = server.engine.snapshot()
            board = BoardProjector.board(state, now: server.engine.clock.now(), options: view)
            made.withLock { $0 = (v, view, board) }
        }
        return SourceSnapshot(version: version &+ focusChanges.load(ordering: .relaxed), board: board, host: server.host, socket: server.socketPath, link: .live)
    }
}
