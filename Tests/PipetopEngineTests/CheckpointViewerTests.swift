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
    func firstBoard(_ e: RunningEngine, subscribe: String) throws -> (Board, Int) {
        let viewer = try e.connect()
        defer { viewer.close() }
        try viewer.send(subscribe + "\n")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let line = try viewer.readLine(timeout: 1) else { continue }
            if case .board(_, let b)? = try? BoardMessage.decode(line) { return (try JSONValueDecoder.decode(Board.self, from: b), line.utf8.count) }
        }
        throw ClientError("no Board")
    }

    @Test func viewersGetACheckpointsNameAndCountsAndOnlyThoseWhoAskItsData() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        defer { c.close() }
        let blob = String(repeating: "x", count: 50_000)
        var lines = [#"{"type":"job.start","job":"j","name":"import","phases":["a"]}"#]
        for k in 1...20 { lines.append(#"{"type":"checkpoint","job":"j","name":"c\#(k)","data":{"blob":"\#(blob)","k":\#(k)}}"#) }
        #expect(try send(c, lines).isEmpty)

        let (plain, plainBytes) = try firstBoard(e, subscribe: #"{"type":"subscribe","v":2}"#)
        let seen = try #require(plain[job: "j"]?.checkpoints)
        #expect(seen.count == 20 && seen.last?.name == "c20")
        #expect(seen.allSatisfy { $0.data == nil })
        #expect(plainBytes < 50_000, "a plain viewer's Board carries \(plainBytes) bytes")

        let (full, _) = try firstBoard(e, subscribe: #"{"type":"subscribe","v":2,"checkpoint_data":true}"#)
        #expect(full[job: "j"]?.checkpoints.last?.data?["k"] == .int(20))

        // resume still answers with the data.
        try c.send(#"{"type":"resume","job":"j"}"# + "\n")
        let answer = try #require(try c.readLine(timeout: 5))
        #expect(answer.contains(#""k":20"#) && answer.contains(blob))
    }
}
