import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

/// The engine in this process: snapshots are read straight from it; the hub nudges us at
/// the dashboard's frame rate.
final class LocalSource: SnapshotSource {
    let server: EngineServer
    private let pipe = WakePipe()

    init(server: EngineServer, fps: Double) {
        self.server = server
        let pipe = self.pipe
        _ = server.hub.addLocal(fps: fps) { pipe.wake() }  // for the life of the process
    }

    var wakeFD: Int32 { pipe.readFD }
    func drainWake() { pipe.drain() }

    func send(_ events: [Event]) {
        for e in events { server.engine.apply(e) }
        server.hub.changed()
    }

    func current() -> SourceSnapshot? {
        let (version, state) = server.engine.snapshot()
        return SourceSnapshot(version: version, state: state, engineNow: server.engine.clock.now(),
                              host: server.host, socket: server.socketPath, link: .live)
    }
}
