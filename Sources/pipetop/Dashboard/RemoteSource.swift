import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

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
        case .live: link = l.snapshot == nil ? .connecting : .live  // greeted, but nothing to show yet
        case .lost(let why): link = .lost(why)
        }
        return SourceSnapshot(version: l.version, state: l.snapshot?.state ?? PipelineState(),
                              engineNow: l.snapshot?.now ?? Date().timeIntervalSince1970,
                              host: l.hello?.host ?? "?", socket: feed.path, link: link)
    }
}
