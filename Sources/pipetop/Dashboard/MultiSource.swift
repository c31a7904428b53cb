import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
import PipetopUI
import Synchronization

/// Engines on other hosts, each reached over its own connection (`ssh HOST pipetop bridge`),
/// shown as one: jobs and alerts merged under `HOST:` ids (`Board.merged`), actions
/// routed back to their host. A host that drops shows as disconnected with the reason while
/// the others keep updating; each reconnects on its own, with backoff.
/// Every connection is read on the dashboard's loop (no thread per host).
final class MultiSource: SnapshotSource {
    let hosts: [(name: String, feed: SubscriptionFeed)]
    /// The merged Board is rebuilt only when some host's version moved.
    private let cache = Mutex<(versions: [UInt64], board: Board)?>(nil)

    init(hosts: [(name: String, connect: @Sendable () throws -> EngineConnection)], fps: Double) {
        self.hosts = hosts.map { h in (h.name, SubscriptionFeed(label: h.name, fps: fps, connect: h.connect)) }
    }

    /// Every host's connection, read on the dashboard's loop.
    var readFDs: [Int32] { hosts.compactMap(\.feed.fd) }
    func pump() -> Double { hosts.map { $0.feed.pump() }.min() ?? 3600 }

    func send(_ events: [Event]) {
        for (name, feed) in hosts {
            let mine = events.compactMap { HostRoute.event($0, for: name) }
            if !mine.isEmpty { feed.send(mine) }
        }
    }

    /// The job's own host signals it (the name before `:` says which).
    func signal(job: String, signal: String, by: String) {
        guard let route = HostRoute.split(job) else { return }
        for (name, feed) in hosts where name == route.host { feed.signal(job: route.id, signal: signal, by: by) }
    }

    /// A job's host is told what the person looks at there (the others look at nothing).
    func focus(job: String?, phase: String?) {
        let route = job.flatMap(HostRoute.split)
        for (name, feed) in hosts {
            if let route, route.host == name { feed.focus(job: route.id, phase: phase) } else { feed.focus(job: nil, phase: nil) }
        }
    }

    func current() -> SourceSnapshot? {
        let latest = hosts.map { ($0.name, $0.feed.current) }
        let versions = latest.map(\.1.version)
        let board: Board
        if let c = cache.withLock({ $0 }), c.versions == versions {
            board = c.board
        } else {
            board = Board.merged(latest.compactMap { name, l in l.board.map { (name, $0) } })
            cache.withLock { $0 = (versions, board) }
        }
        // Live when every host is; otherwise say which is not, and why.
        var link = DashboardModel.Link.live
        let down = latest.compactMap { name, l -> String? in
            if case .lost(let why) = l.link { return "\(name): \(why)" }
            return nil
        }
        if !down.isEmpty { link = .lost(down.joined(separator: "; ")) }
        else if latest.contains(where: { $0.1.link == .connecting || $0.1.board == nil }) { link = .connecting }
        let names = latest.map { name, l in l.link == .live ? name : name + "?" }.joined(separator: " ")
        let links = zip(hosts, latest).map { h, l -> HostLink in
            let state: DashboardModel.Link
            switch l.1.link {
            case .connecting: state = .connecting
            case .live: state = l.1.board == nil ? .connecting : .live
            case .lost(let why): state = .lost(why)
            }
            return HostLink(name: h.name, link: state, retryAt: h.feed.nextAttempt, jobs: l.1.board?.jobs.count ?? 0)
        }
        return SourceSnapshot(version: versions.reduce(0, &+), board: board.at > 0 ? board : Board(at: Date().timeIntervalSince1970), host: names,
                              socket: "ssh", link: link, hosts: links)
    }
}
