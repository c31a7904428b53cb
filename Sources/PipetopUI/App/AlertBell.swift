import Foundation
import PipetopCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// When to ring: a critical alert that needs attention and was not there before (not for the
/// alerts already open when the dashboard starts).
public struct AlertBell {
    private var known: Set<String>?

    public init() {}

    public mutating func ring(for state: Board) -> Bool {
        let now = Set(state.alerts.filter { $0.severity == .critical && $0.needsAttention }.map(\.id))
        defer { known = now }
        guard let known else { return false }
        return !now.subtracting(known).isEmpty
    }
}
