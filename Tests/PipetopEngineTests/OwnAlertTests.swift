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
        try viewer.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
        // The hello, then the first Board (no alert yet).
        let reader = BoardReader(viewer)
        #expect(try reader.read { _ in true })
        e.engine.raiseOwnAlert(kind: PipelineState.notSavedKind, severity: .critical, message: "events are not saved (test)")
        #expect(try reader.read { $0.notSavedAlert != nil })
        #expect(reader.board?.notSavedAlert?.message == "events are not saved (test)")
    }
}
