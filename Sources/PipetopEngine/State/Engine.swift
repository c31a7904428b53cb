import PipetopCore
import Synchronization

/// The engine's state and the one door into it. Socket handlers on several NIO threads
/// apply events here; viewers copy snapshots out. Every applied event moves `version`.
public final class Engine: Sendable {
    public let clock: any Clock
    private let inner: Mutex<Inner>

    private struct Inner {
        var state = PipelineState()
        var version: UInt64 = 0
        var applied: UInt64 = 0
        var refused: UInt64 = 0
    }

    public init(clock: any Clock = SystemClock(), state: PipelineState = PipelineState()) {
        self.clock = clock
        self.inner = Mutex(Inner(state: state))
    }

    /// Applies one event; returns why it was refused, or nil.
    @discardableResult
    public func apply(_ event: Event) -> ApplyError? {
        let now = clock.now()
        return inner.withLock { s -> ApplyError? in
            do {
                try s.state.apply(event, now: now)
                s.version &+= 1
                s.applied &+= 1
                return nil
            } catch let error as ApplyError {
                s.refused &+= 1
                return error
            } catch {
                s.refused &+= 1
                return ApplyError("\(error)")
            }
        }
    }

    /// Applies a sampler reading (host and process-tree figures).
    public func apply(_ reading: SamplerReading) {
        inner.withLock { s in
            s.state.apply(reading)
            s.version &+= 1
        }
    }

    /// Counts a line refused before it reached the reducer (bad JSON, bad field...).
    public func countRefusedLine() { inner.withLock { $0.refused &+= 1 } }

    public var version: UInt64 { inner.withLock { $0.version } }

    /// A copy of the state and its version (cheap: the state is copy-on-write).
    public func snapshot() -> (version: UInt64, state: PipelineState) {
        inner.withLock { ($0.version, $0.state) }
    }

    public struct Counters: Sendable, Equatable {
        public var applied: UInt64
        public var refused: UInt64
    }

    public var counters: Counters { inner.withLock { Counters(applied: $0.applied, refused: $0.refused) } }
}
