import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopStore
@testable import PipetopWire

/// The host's timelines after kill -9: samples are not journaled (docs/PROTOCOL.md,
/// Durability), so a restart shows what the last snapshot held, then new samples: never
/// values nobody sampled, never the snapshot's lost.
@Suite("Host timelines across kill -9", .serialized)
struct HostTimelineRestartTests {
    @Test func timelinesComeBackAsTheLastSnapshotHadThem() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.db", sock = dir + "/t.sock"
        let soak = BoardSoakTests()
        func start(_ n: Int) throws -> pid_t {
            let pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0.2"], log: dir + "/log-\(n)")
            guard waitForEngine(sock) else { kill(pid, SIGKILL); waitpid(pid, nil, 0); throw ClientError("the daemon did not start") }
            return pid
        }
        func memory(_ board: JSONValue) -> [JSONValue] { board["host"]?["mem"]?.arrayValue ?? [] }
        /// Waits until the Board's host memory timeline (% in use: values that differ from one
        /// sample to the next, unlike a busy machine's CPU) holds more than `n` values.
        func timeline(longerThan n: Int) throws -> [JSONValue] {
            let deadline = Date().addingTimeInterval(20)
            var last: [JSONValue] = []
            while Date() < deadline {
                last = memory(try soak.readBoard(sock))
                if last.count > n { return last }
                Thread.sleep(forTimeInterval: 0.2)
            }
            Issue.record("the host timeline stayed at \(last.count) values")
            return last
        }

        // First life: a job and a few seconds of samples, then a clean stop, which leaves a
        // snapshot (an engine whose state changed only through samples writes none).
        var daemon = try start(0)
        // Whatever fails, no engine of this test outlives it.
        var alive: pid_t? = daemon
        defer { if let alive { stopChild(alive) } }
        let first = try EngineConnection(path: sock)
        #expect(try send(first, [#"{"type":"job.start","job":"first","name":"first"}"#]).isEmpty)
        first.close()
        let shown = try timeline(longerThan: 3)
        stopChild(daemon)
        alive = nil
        let snapshot = try #require(try Store(path: db).load().snapshot, "a clean stop left no snapshot")
        let kept = try JSONValueEncoder.encode(BoardProjector.board(snapshot, now: 0).host.mem).arrayValue ?? []
        #expect(kept.count > 3)
        // What the first life showed is what it kept (the snapshot stores samples to 0.1 %).
        for (a, b) in zip(shown, kept) {
            #expect(abs((a.number ?? .nan) - (b.number ?? .nan)) <= 0.051, "shown \(shown), kept \(kept)")
        }
        print("host timeline: the snapshot held \(JSONWriter.string(.array(kept)))")

        // Second life: the snapshot's values come back first, new ones follow; a synced event,
        // then kill -9 before the next snapshot (samples are not journaled).
        daemon = try start(1)
        alive = daemon
        let second = try timeline(longerThan: kept.count + 2)
        #expect(Array(second.prefix(kept.count)) == kept, "restored \(second.prefix(kept.count)), the snapshot held \(kept)")
        let c = try EngineConnection(path: sock)
        #expect(try send(c, [#"{"type":"job.start","job":"j","name":"j"}"#]).isEmpty)
        c.close()
        kill(daemon, SIGKILL)
        waitpid(daemon, nil, 0)
        alive = nil

        // Third life: again the snapshot's values first (the second life's samples are gone);
        // the synced job is there.
        daemon = try start(2)
        alive = daemon
        let third = try timeline(longerThan: kept.count)
        print("host timeline: second life \(JSONWriter.string(.array(second))), third \(JSONWriter.string(.array(third)))")
        #expect(Array(third.prefix(kept.count)) == kept, "after kill -9 \(third.prefix(kept.count)), the snapshot held \(kept)")
        #expect(try soak.readBoard(sock)["jobs"]?.arrayValue?.contains { $0["id"] == .string("j") } == true)
    }
}
