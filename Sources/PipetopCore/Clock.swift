import Foundation

/// Where the core gets "now" from. The engine passes the wall clock; tests pass a
/// `ManualClock` so that rates, ETAs and durations are exact.
public protocol Clock: Sendable {
    /// Seconds since the Unix epoch, fractional.
    func now() -> Double
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
}

/// A clock that only moves when told to. Thread-safe so tests can share it with an engine.
public final class ManualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    public init(_ start: Double = 1_700_000_000) { current = start }
    public func now() -> Double { lock.withLock { current } }
    public func advance(by seconds: Double) { lock.withLock { current += seconds } }
    public func set(_ t: Double) { lock.withLock { current = t } }
}
