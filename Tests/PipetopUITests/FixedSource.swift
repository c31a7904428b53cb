import Foundation
import Synchronization
@testable import PipetopCore
@testable import PipetopUI

/// A snapshot source that holds one state (a test can replace it) and keeps what the
/// dashboard sends (acknowledgements).
final class FixedSource: SnapshotSource, @unchecked Sendable {
    private let held: Mutex<(snapshot: SourceSnapshot, sent: [Event], focus: (String?, String?))>
    private let wake = WakePipe()
    private let now: Double

    init(_ state: PipelineState, now: Double) {
        self.now = now
        held = Mutex((SourceSnapshot(version: 1, board: Fixture.board(state, now: now), host: "build-3",
                                     socket: "/run/user/1000/pipetop/pipetop.sock", link: .live), [], (nil, nil)))
    }

    var readFDs: [Int32] { [wake.readFD] }
    func pump() -> Double { wake.drain(); return 3600 }
    func current() -> SourceSnapshot? { held.withLock { $0.snapshot } }
    func send(_ events: [Event]) { held.withLock { $0.sent += events } }
    func signal(job: String, signal: String, by: String) {}
    func focus(job: String?, phase: String?) { held.withLock { $0.focus = (job, phase) } }

    /// What the dashboard last said it looks at.
    var focused: (job: String?, phase: String?) { held.withLock { $0.focus } }

    var sent: [Event] { held.withLock { $0.sent } }

    /// A new version of the state, as an engine would publish it.
    func publish(_ state: PipelineState) {
        held.withLock {
            $0.snapshot.board = Fixture.board(state, now: now)
            $0.snapshot.version += 1
        }
        wake.wake()
    }
}
