import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

/// An engine elsewhere (another process, or across ssh): subscriber protocol 3 (or 2, from an older engine), the Board.
/// Its socket is read on the dashboard's loop (no thread of its own).
final class RemoteSource: SnapshotSource {
    let feed: SubscriptionFeed

    init(path: String, fps: Double) {
        feed = SubscriptionFeed(path: path, fps: fps)
    }

    var readFDs: [Int32] { feed.fd.map { [$0] } ?? [] }
    func pump() -> Double { feed.pump() }

    func send(_ events: [Event]) { feed.send(events) }

    func signal(job: String, signal: String, by: String) { feed.signal(job: job, signal: signal, by: by) }

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
