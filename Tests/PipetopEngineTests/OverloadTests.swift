import Foundation
import Synchronization
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopWire
import PipetopStore

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
        try lazy.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
        _ = try lazy.readLine(timeout: 5)  // hello; then it stops reading
        // 30 rounds over ~1.5 s: about 45 frames' worth of changes while it does not read.
        let rounds = 30
        for round in 1...rounds {
            try producer.send((0..<jobs).map { #"{"type":"progress","job":"j\#($0)","phase":"a","done":\#(round)}"# }.joined(separator: "\n") + "\n")
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(try producer.sync(timeout: 10).isEmpty)
        // Now it reads: a snapshot or two that were on their way, then the newest state.
        let reader = BoardReader(lazy)
        let caughtUp = try reader.read(seconds: 20) { $0[job: "j\(jobs - 1)"]?.phase("a")?.done == rounds }
        let messages = reader.messages
        #expect(caughtUp)
        #expect(messages <= 4, "a viewer that stopped reading got \(messages) messages queued, not the newest state")
    }

    @Test func producersFasterThanTheDiskAreHeldBackNotQueuedWithoutBound() throws {
        let dir = NSTemporaryDirectory() + "pt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try Engine(store: Store(path: dir + "/j.db"))
        let server = EngineServer(engine: engine, socketPath: dir + "/e.sock", threads: 2)
        try server.start()
        defer { server.stop() }
        let journal = try #require(engine.journal)
        // A small bound, so that even a slow debug build outruns the disk past it.
        journal.maxBacklog = 5_000
        // Watch the rows waiting while four producers send 100,000 events each as fast as they
        // can (several times what SQLite takes a second): steps, which the journal does not
        // merge as it does progress counts.
        let most = Mutex<Int64>(0)
        let done = Atomic(false)
        let watcher = Thread {
            while !done.load(ordering: .acquiring) {
                let b = Int64(journal.rowsWaiting)
                most.withLock { $0 = max($0, b) }
                usleep(200)
            }
        }
        watcher.start()
        let group = DispatchGroup()
        for p in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let c = try? EngineConnection(path: dir + "/e.sock") else { return }
                var text = #"{"type":"job.start","job":"p\#(p)","phases":["a"]}"# + "\n"
                for i in 1...100_000 { text += #"{"type":"step","job":"p\#(p)","phase":"a","step":"s\#(i)","state":"done"}"# + "\n" }
                try? c.send(text)
                _ = try? c.sync(timeout: 120)
            }.start()
        }
        group.wait()
        done.store(true, ordering: .releasing)
        #expect(engine.counters.applied == 400_004)
        #expect(journal.committedThrough == engine.lastSeq)
        // Over the bound by at most what the producers had in flight when it was reached: the
        // lines of the reads their connections were in (a readable socket is read a few times
        // before a pause takes hold; ~5,000 lines each at most here). Without back-pressure the
        // backlog reaches most of the 400,000.
        let peak = most.withLock { $0 }
        #expect(peak <= Int64(journal.maxBacklog) + 4 * 5_000, "backlog reached \(peak)")
        print("journal backlog peaked at \(peak) rows (bound \(journal.maxBacklog))")
    }
}

/// Back-pressure pauses reading only while a client really leaves its answers unread.
@Suite("Back-pressure", .serialized)
struct BackPressureTests {
    /// A producer that asked once (a sync, answered and read) and then sends many bad lines
    /// without reading their error replies: the replies are dropped when its socket is full,
    /// and its lines are still read (the engine used to stop reading it for good).
    @Test func errorRepliesLeftUnreadAfterASyncDoNotStopReading() throws {
        let e = try RunningEngine()
        let c = try e.connect()
        defer { c.close() }
        #expect(try c.sync().isEmpty)
        let done = Atomic(false)
        let sender = Thread {
            let bad = String(repeating: "not json\n", count: 10_000)
            for _ in 0..<40 { try? c.send(bad) }  // 400,000 error replies, none read
            try? c.send(#"{"type":"job.start","job":"after-errors","name":"after"}"# + "\n")
            done.store(true, ordering: .releasing)
        }
        sender.start()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, e.engine.snapshot().state[job: "after-errors"] == nil { usleep(20_000) }
        let finished = done.load(ordering: .acquiring)
        #expect(finished, "the producer is still blocked writing")
        #expect(e.engine.snapshot().state[job: "after-errors"] != nil)
    }
}
