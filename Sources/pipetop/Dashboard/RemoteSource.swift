import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

/// An engine elsewhere (another process, or across ssh): subscriber protocol 2, the Board.
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

    func focus(job: String?, phase: String?) { feed.focus(job: job, phase: phase) }

    func current() -> SourceSnapshot? {
        let l = feed.current
        let link: DashboardModel.Link
        switch l.link {
        case .connecting: link = .connecting
        case .live: link = l.board == nil ? .connecting : .live  // greeted, but nothing to show yet
        case .lost(let why): link = .lost(why)
        }
        return SourceSnapshot(version: l.version, board: l.board ?? Board(at: Date().timeIntervalSince1970),
                              host: l.hello?.host ?? "?", socket: feed.path, link: link)
    }
}
