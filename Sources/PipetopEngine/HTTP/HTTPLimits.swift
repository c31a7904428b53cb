import Synchronization

/// What an `HTTPListener` has open against its two limits: connections for short requests
/// (`maxConnections`) and long-lived streams (`maxStreams`), counted apart so that open pages
/// (each holds an event stream) never lock out a scrape or a page load.
final class HTTPLimits: Sendable {
    let maxConnections: Int
    let maxStreams: Int
    private let counts = Mutex((connections: 0, streams: 0))

    init(maxConnections: Int, maxStreams: Int) {
        self.maxConnections = maxConnections; self.maxStreams = maxStreams
    }

    var connections: Int { counts.withLock { $0.connections } }
    var streams: Int { counts.withLock { $0.streams } }

    /// A place for a new connection; nil when every one is taken (the connection is closed).
    func admit() -> HTTPConnectionSlot? {
        let admitted = counts.withLock { c in
            guard c.connections < maxConnections else { return false }
            c.connections += 1
            return true
        }
        return admitted ? HTTPConnectionSlot(limits: self) : nil
    }

    /// Moves one connection to the streams' count: false, and nothing moved, when every
    /// stream is taken.
    func moveToStreams() -> Bool {
        counts.withLock { c in
            guard c.streams < maxStreams else { return false }
            c.connections -= 1
            c.streams += 1
            return true
        }
    }

    func release(stream: Bool) {
        counts.withLock { c in
            if stream { c.streams -= 1 } else { c.connections -= 1 }
        }
    }
}
