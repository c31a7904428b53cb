import Synchronization

/// One connection's place in its listener's limits (`HTTPLimits`): a short request's at
/// first, a stream's once its answer becomes one, given back once when it closes.
final class HTTPConnectionSlot: Sendable {
    private enum Held { case connection, stream, nothing }
    private let limits: HTTPLimits
    private let held = Mutex(Held.connection)

    init(limits: HTTPLimits) { self.limits = limits }

    /// Takes a stream's place for this connection and frees its short request's; false when
    /// every stream is taken (it keeps its place as a short request).
    func becomeStream() -> Bool {
        held.withLock { h in
            switch h {
            case .stream: return true
            case .nothing: return false
            case .connection:
                guard limits.moveToStreams() else { return false }
                h = .stream
                return true
            }
        }
    }

    /// The connection closed.
    func release() {
        held.withLock { h in
            switch h {
            case .connection: limits.release(stream: false)
            case .stream: limits.release(stream: true)
            case .nothing: break
            }
            h = .nothing
        }
    }
}
