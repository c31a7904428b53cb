import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// Viewers that fall behind get the newest state when they catch up, never a backlog.
@Suite("Overload", .serialized)
struct OverloadTests {
    @Test func aViewerThatStopsReadingGetsAFreshSnapshotNotABacklog() throws {
        let e = try RunningEngine()
        let jobs = 200
        let producer = try e.connect()
        // Big enough that one snapshot overflows the viewer's socket buffer (~0.5 MB).
        let note = String(repeating: "x", count: 2_000)
        _ = try send(producer, (0..<jobs).flatMap { j in [
            #"{"type":"job.start","job":"j\#(j)","phases":["a"]}"#,
            #"{"type":"log","job":"j\#(j)","message":"\#(note)"}"#,
        ] })
        let lazy = try e.connect()
        try lazy.send(#"{"type":"subscribe","fps":30}"# + "\n")
        _ = try lazy.readLine(timeout: 5)  // hello; then it stops reading
        // 30 rounds over ~1.5 s: about 45 frames' worth of changes while it does not read.
        let rounds = 30
        for round in 1...rounds {
            try producer.send((0..<jobs).map { #"{"type":"progress","job":"j\#($0)","phase":"a","done":\#(round)}"# }.joined(separator: "\n") + "\n")
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(try producer.sync(timeout: 10).isEmpty)
        // Now it reads: a snapshot or two that were on their way, then the newest state.
        var messages = 0
        var caughtUp = false
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !caughtUp, let line = try lazy.readLine(timeout: 5) {
            messages += 1
            if case .snapshot(let s) = try SubscriberMessage.decode(Data(line.utf8)),
               s.state[job: "j\(jobs - 1)"]?.phase("a")?.done == rounds {
                caughtUp = true
            }
        }
        #expect(caughtUp)
        #expect(messages <= 4, "a viewer that stopped reading got \(messages) messages queued, not the newest state")
    }
}
