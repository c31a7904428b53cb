import Foundation
import PipetopCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A flag another thread sets to end the dashboard's loop, waking it from `poll`.
public final class StopSignal: Sendable {
    private let flag = Atomic(false)
    private let pipe = WakePipe()
    public init() {}
    public var isSet: Bool { flag.load(ordering: .acquiring) }
    public var wakeFD: Int32 { pipe.readFD }
    public func set() {
        flag.store(true, ordering: .releasing)
        pipe.wake()
    }
}
