import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopSpool
@testable import PipetopStore
@testable import PipetopWire

/// Events delivered from the spool arrive late on purpose: neither the engine that drains them
/// nor one that replays them from its journal after a restart takes that for clock skew.
@Suite("Spooled events and the producer's clock")
struct SpooledClockTests {
    @Test func spooledEventsAreNotSkewBeforeOrAfterARestart() throws {
        let spool = try SpoolTests.makeSpool()
        // Reported five minutes ago, on time, while no engine ran.
        let t0 = Date().timeIntervalSince1970 - 300
        var lines = [#"{"type":"job.start","job":"j","name":"j","phases":["p"],"ts":\#(t0)}"#]
        for i in 1...5 { lines.append(#"{"type":"progress","job":"j","phase":"p","done":\#(i),"ts":\#(t0 + Double(i))}"#) }
        lines.append(#"{"type":"log","job":"j","level":"info","message":"still here","ts":\#(t0 + 6)}"#)
        _ = try spool.append(lines.map { $0 + "\n" }.joined())

        let db = "/tmp/pt-spooled-\(UUID().uuidString.prefix(8)).db"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(db + suffix) } }
        let engine = try Engine(store: Store(path: db), spoolDrain: SpoolDrain(spool: spool, say: SpoolTests.quiet))
        let drained = try #require(engine.snapshot().state[job: "j"])
        #expect(drained.phase("p")?.done == 5)
        #expect(drained.clockSkew == nil, "the drain looked like skew: \(String(describing: drained.clockSkew))")
        engine.journal?.flush()

        // What a restart after kill -9 rebuilds from the journal.
        let restored = try #require(try Store(path: db).restoreState().state[job: "j"])
        #expect(restored.phase("p")?.done == 5)
        #expect(restored.clockSkew == nil, "the replay looked like skew: \(String(describing: restored.clockSkew))")
        engine.close()
    }

    @Test func theMarkKeepsTheLineReadable() throws {
        let line = SpoolDrain.markedSpooled(#"{"type":"log","job":"j","message":"m"}"#)
        #expect(line == #"{"spooled":true,"type":"log","job":"j","message":"m"}"#)
        guard case .success(.event(let e)) = EventDecoder.decode(line) else { Issue.record("\(line) did not decode"); return }
        #expect(e.spooled && e.job == "j")
        // And an event the engine encodes (a journaled progress row) says it too.
        var p = Event(job: "j", ts: 1, .progress(.init(phase: "p", done: 3)))
        p.spooled = true
        guard case .success(.event(let back)) = EventDecoder.decode(EventEncoder.line(p)) else { Issue.record("no round trip"); return }
        #expect(back == p)
    }
}
