import Foundation
import Synchronization
@testable import PipetopCore
@testable import PipetopUI

/// A snapshot source that holds one state (a test can replace it) and keeps what the
/// dashboard sends (acknowledgements).
final class FixedSource: SnapshotSource, @unchecked Sendable {
    private let held: Mutex<(snapshot: SourceSnapshot, sent: [Event])>
    private let wake = WakePipe()

    init(_ state: PipelineState, now: Double) {
        held = Mutex((SourceSnapshot(version: 1, state: state, engineNow: now, host: "build-3",
                                     socket: "/run/user/1000/pipetop/pipetop.sock", link: .live), []))
    }

    var wakeFD: Int32 { wake.readFD }
    func drainWake() { wake.drain() }
    func current() -> SourceSnapshot? { held.withLock { $0.snapshot } }
    func send(_ events: [Event]) { held.withLock { $0.sent += events } }

    var sent: [Event] { held.withLock { $0.sent } }

    /// A new version of the state, as an engine would publish it.
    func publish(_ state: PipelineState) {
        held.withLock {
            $0.snapshot.state = state
            $0.snapshot.version += 1
        }
        wake.wake()
    }
}
