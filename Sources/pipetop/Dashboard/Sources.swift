import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI

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

/// An engine elsewhere (another process, or across ssh later): the subscriber protocol.
final class RemoteSource: SnapshotSource {
    let feed: SubscriptionFeed
    private let pipe: WakePipe

    init(path: String, fps: Double) {
        let pipe = WakePipe()
        self.pipe = pipe
        feed = SubscriptionFeed(path: path, fps: fps) { pipe.wake() }
        feed.start()
    }

    var wakeFD: Int32 { pipe.readFD }
    func drainWake() { pipe.drain() }

    func send(_ events: [Event]) { feed.send(events) }

    func current() -> SourceSnapshot? {
        let l = feed.current
        let link: DashboardModel.Link
        switch l.link {
        case .connecting: link = .connecting
        case .live: link = .live
        case .lost(let why): link = .lost(why)
        }
        return SourceSnapshot(version: l.version, state: l.snapshot?.state ?? PipelineState(),
                              engineNow: l.snapshot?.now ?? Date().timeIntervalSince1970,
                              host: l.hello?.host ?? "?", socket: feed.path, link: link)
    }
}
