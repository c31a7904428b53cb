import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// pipetop's own alerts (a disk that fails, a notification given up) are raised off the
/// socket: viewers must still get them, even from an engine with nothing else going on.
@Suite("pipetop's own alerts reach viewers")
struct OwnAlertTests {
    @Test func anOwnAlertOnAnIdleEngineReachesASubscribedViewer() throws {
        let e = try RunningEngine()
        let viewer = try e.connect()
        try viewer.send(#"{"type":"subscribe","fps":30}"# + "\n")
        // The hello, then the first snapshot (no alert yet).
        var first = false
        let start = Date().addingTimeInterval(5)
        while !first && Date() < start {
            guard let l = try viewer.readLine(timeout: 1) else { continue }
            if case .snapshot = try SubscriberMessage.decode(Data(l.utf8)) { first = true }
        }
        #expect(first)
        e.engine.raiseOwnAlert(kind: PipelineState.notSavedKind, severity: .critical, message: "events are not saved (test)")
        var banner: Alert?
        let deadline = Date().addingTimeInterval(5)
        while banner == nil && Date() < deadline {
            guard let l = try viewer.readLine(timeout: 1) else { continue }
            if case .snapshot(let s) = try SubscriberMessage.decode(Data(l.utf8)) { banner = s.state.notSavedAlert }
        }
        #expect(banner?.message == "events are not saved (test)")
    }
}
