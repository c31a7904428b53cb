import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire

/// A checkpoint's data reaches those who ask for it (`resume`, `report`), not every viewer in
/// every snapshot.
@Suite("Checkpoint data and viewers", .serialized)
struct CheckpointViewerTests {
    func firstSnapshot(_ e: RunningEngine, subscribe: String) throws -> (PipelineState, Int) {
        let viewer = try e.connect()
        defer { viewer.close() }
        try viewer.send(subscribe + "\n")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let line = try viewer.readLine(timeout: 1) else { continue }
            if case .snapshot(let s)? = try? SubscriberMessage.decode(Data(line.utf8)) { return (s.state, line.utf8.count) }
        }
        throw ClientError("no snapshot")
    }

    @Test func viewersGetACheckpointsNameAndCountsAndOnlyThoseWhoAskItsData() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        defer { c.close() }
        let blob = String(repeating: "x", count: 50_000)
        var lines = [#"{"type":"job.start","job":"j","name":"import","phases":["a"]}"#]
        for k in 1...20 { lines.append(#"{"type":"checkpoint","job":"j","name":"c\#(k)","data":{"blob":"\#(blob)","k":\#(k)}}"#) }
        #expect(try send(c, lines).isEmpty)

        let (plain, plainBytes) = try firstSnapshot(e, subscribe: #"{"type":"subscribe"}"#)
        let seen = try #require(plain[job: "j"]?.checkpoints)
        #expect(seen.count == 20 && seen.last?.name == "c20")
        #expect(seen.allSatisfy { $0.data == nil })
        #expect(plainBytes < 50_000, "a plain viewer's snapshot carries \(plainBytes) bytes")

        let (full, _) = try firstSnapshot(e, subscribe: #"{"type":"subscribe","checkpoint_data":true}"#)
        #expect(full[job: "j"]?.checkpoints.last?.data?["k"] == .int(20))

        // resume still answers with the data.
        try c.send(#"{"type":"resume","job":"j"}"# + "\n")
        let answer = try #require(try c.readLine(timeout: 5))
        #expect(answer.contains(#""k":20"#) && answer.contains(blob))
    }
}
