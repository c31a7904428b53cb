import Synchronization

/// The engine's version as its beat last saw it: a change nobody announced (one made off the
/// socket) is sent to viewers from there.
final class VersionSeen: Sendable {
    private let value = Atomic<UInt64>(0)
    /// Stores `v`; returns the version seen before.
    func exchange(_ v: UInt64) -> UInt64 { value.exchange(v, ordering: .relaxed) }
}
