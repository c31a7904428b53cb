import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopSpool
@testable import PipetopWire

/// The engine's one beat (sampling, estimates and rules, the spool, viewers' frames) on a
/// real engine and socket: what moves with time still moves with no event arriving.
@Suite("The engine's beat", .serialized)
struct EngineBeatTests {
    /// Polls `ok` until it holds or `seconds` pass.
    func eventually(_ seconds: Double = 10, _ ok: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try ok() { return true }
            usleep(20_000)
        }
        return try ok()
    }

    @Test func aStallIsRaisedAndSentToViewersWithNoEventArriving() throws {
        let clock = ManualClock(1_000)
        let e = try RunningEngine(clock: clock)
        let producer = try e.connect()
        defer { producer.close() }
        // A steady rhythm (a count a second), then nothing.
        _ = try send(producer, [#"{"type":"job.start","job":"j","name":"import","phases":["load"]}"#,
                                #"{"type":"phase.start","job":"j","phase":"load","total":1000}"#])
        for done in stride(from: 10, through: 100, by: 10) {
            clock.advance(by: 1)
            _ = try send(producer, [#"{"type":"progress","job":"j","phase":"load","done":\#(done)}"#])
        }
        let viewer = try e.connect()
        defer { viewer.close() }
        try viewer.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
        var board: JSONValue?
        func stalled() throws -> Bool {
            while let line = try viewer.readLine(timeout: 0.05) {
                switch try BoardMessage.decode(line) {
                case .board(_, let b): board = b
                case .delta(_, let changes): board = board.map { MergePatch.apply(changes, to: $0) }
                default: break
                }
            }
            return board.flatMap { try? JSONValueDecoder.decode(Board.self, from: $0) }?[job: "j"]?.stalledSince != nil
        }
        let first = try eventually { try !stalled() && board != nil }
        #expect(first, "the viewer got no Board")
        // Five minutes pass on the engine's clock; no event comes. Only the beat can notice.
        clock.advance(by: 300)
        let seen = try eventually { try stalled() }
        #expect(seen, "the stall never reached the viewer")
        // The `stalled` rule holds for 30 s before it raises its alert: again on the beat alone.
        clock.advance(by: 60)
        #expect(eventually { e.engine.snapshot().state.alerts.all.contains { $0.kind == "rule:stalled" && $0.job == "j" } },
                "\(e.engine.snapshot().state.alerts.all.map(\.kind))")
    }

    @Test func aSpoolFileIsPickedUpWhileTheEngineRuns() throws {
        let spool = try SpoolTests.makeSpool()
        let server = EngineServer(engine: Engine(), socketPath: spool.root + "/e.sock", threads: 1)
        server.spoolDrain = SpoolDrain(spool: spool, say: SpoolTests.quiet)
        try server.start()
        defer { server.stop() }
        // A client that found no engine kept this; the engine is up and has beaten already.
        #expect(eventually { server.beat.count >= 1 })
        #expect(try spool.append(#"{"type":"job.start","job":"late","name":"spooled while no engine ran"}"# + "\n") == .kept)
        #expect(eventually { server.engine.snapshot().state.jobs["late"] != nil }, "the spooled event was never applied")
        #expect(eventually { !spool.hasEvents() })
    }

    @Test func theBeatFollowsTheSampleInterval() {
        #expect(EngineBeat.cadence(sampleInterval: 0) == (1, 0))
        #expect(EngineBeat.cadence(sampleInterval: 1) == (1, 1))
        #expect(EngineBeat.cadence(sampleInterval: 0.02) == (0.02, 1))
        #expect(EngineBeat.cadence(sampleInterval: 5) == (1, 5))
        #expect(EngineBeat.cadence(sampleInterval: 1.5) == (0.75, 2))
        #expect(EngineBeat.cadence(sampleInterval: 60) == (1, 60))
    }

    @Test func aSampleIsReadEveryIntervalNotEveryBeat() throws {
        let dir = NSTemporaryDirectory() + "pt-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = EngineServer(engine: Engine(), socketPath: dir + "/e.sock", threads: 1, sampleInterval: 3)
        // Beats run here, one after another (the beat's own thread only stands in after 5 s).
        server.beat.host()
        try server.start()
        defer { server.stop() }
        #expect(server.beat.interval == 1)
        for _ in 0..<7 { server.beat.run() }
        #expect(server.beat.count == 7)
        #expect(server.sampler?.readings == 3, "beats 1, 4 and 7 read /proc")
        #expect(server.sampler?.lastReadingAt != nil)
    }

    @Test func aHostThatStopsCallingDoesNotStopTheBeat() throws {
        let dir = NSTemporaryDirectory() + "pt-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = EngineServer(engine: Engine(), socketPath: dir + "/e.sock", threads: 1, sampleInterval: 1)
        // A dashboard that hosts the beat and then never turns its loop (a terminal that does
        // not take output): the beat's thread stands in once the beat is `grace` late.
        server.beat.host()
        try server.start()
        defer { server.stop() }
        #expect(eventually(BeatThread.grace + 10) { server.beat.count >= 1 }, "the beat stopped with its host")
        #expect((server.sampler?.readings ?? 0) >= 1)
    }
}
