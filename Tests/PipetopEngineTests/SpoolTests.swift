import Foundation
import Synchronization
import Testing
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopSpool
@testable import PipetopWire

/// The spool on real files, drained by real engines.
@Suite("Spool")
struct SpoolTests {
    /// A spool in a fresh private state directory.
    static func makeSpool(limit: Int? = nil) throws -> Spool {
        let state = "/tmp/pt-spool-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        var env = ["XDG_STATE_HOME": state]
        if let limit { env["PIPETOP_SPOOL_LIMIT"] = "\(limit)" }
        return Spool(socket: state + "/e.sock", environment: env)
    }

    static func mode(_ path: String) -> (mode: UInt32, uid: UInt32)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (UInt32(st.st_mode) & 0o777, st.st_uid)
    }

    static let quiet: @Sendable (String) -> Void = { _ in }

    @Test func filesArePrivateToTheUser() throws {
        let spool = try Self.makeSpool()
        #expect(try spool.append(#"{"type":"job.start","job":"a","name":"a"}"# + "\n") == .kept)
        #expect(Self.mode(spool.root)?.mode == 0o700)
        #expect(Self.mode(spool.directory)?.mode == 0o700)
        #expect(Self.mode(spool.directory + "/" + Spool.fileName)?.mode == 0o600)
        #expect(Self.mode(spool.directory + "/" + Spool.fileName)?.uid == getuid())
    }

    @Test func theLimitIsKeptAndTheFirstDropIsSaidOnce() throws {
        let line = #"{"type":"log","job":"a","message":"0123456789012345678901234567890123456789"}"# + "\n"
        let spool = try Self.makeSpool(limit: line.utf8.count * 10 + 5)
        var outcomes: [Spool.Outcome] = []
        for _ in 0..<15 { outcomes.append(try spool.append(line)) }
        #expect(outcomes.prefix(10).allSatisfy { $0 == .kept })
        #expect(outcomes[10] == .dropped(first: true))
        #expect(outcomes.suffix(4).allSatisfy { $0 == .dropped(first: false) })
        #expect(spool.usedBytes() <= spool.limit)
        // The engine that drains says it once and lets writers in again.
        let said = Mutex<[String]>([])
        let drain = SpoolDrain(spool: spool) { text in said.withLock { $0.append(text) } }
        let engine = Engine()
        #expect(engine.apply(Event(job: "a", .jobStart(.init(name: "a")))) == nil)
        drain.drain(into: engine)
        #expect(said.withLock { $0.filter { $0.contains("was full") }.count } == 1)
        #expect(try spool.append(line) == .kept)
    }

    @Test func eventsKeepTheirOwnTimes() throws {
        let spool = try Self.makeSpool()
        let t0 = 1_700_000_000.0
        let lines = [
            #"{"type":"job.start","job":"j","name":"j","phases":["fetch","transform"],"ts":\#(t0)}"#,
            #"{"type":"phase.start","job":"j","phase":"fetch","ts":\#(t0)}"#,
            #"{"type":"phase.end","job":"j","phase":"fetch","ts":\#(t0 + 5)}"#,
            #"{"type":"phase.start","job":"j","phase":"transform","ts":\#(t0 + 5)}"#,
            #"{"type":"phase.end","job":"j","phase":"transform","ts":\#(t0 + 15)}"#,
            #"{"type":"job.end","job":"j","status":"completed","ts":\#(t0 + 15)}"#,
        ]
        _ = try spool.append(lines.map { $0 + "\n" }.joined())
        let engine = Engine()
        let outcome = SpoolDrain(spool: spool, say: Self.quiet).drain(into: engine)
        #expect(outcome == .init(applied: 6, refused: 0))
        let job = try #require(engine.snapshot().state[job: "j"])
        #expect(job.state == .completed)
        let fetch = try #require(job.phase("fetch")), transform = try #require(job.phase("transform"))
        #expect(fetch.startedAt == t0 && fetch.endedAt == t0 + 5)
        #expect(transform.startedAt == t0 + 5 && transform.endedAt == t0 + 15)
        // Drained means gone: a second engine gets nothing.
        #expect(!spool.hasEvents())
        #expect(SpoolDrain(spool: spool, say: Self.quiet).drain(into: Engine()) == .init())
    }

    @Test func refusedEventsAreCountedAndNotRetried() throws {
        let spool = try Self.makeSpool()
        _ = try spool.append(#"{"type":"progress","job":"nobody","phase":"p","done":1}"# + "\n" + "not json\n"
                             + #"{"type":"job.start","job":"ok","name":"ok"}"# + "\n")
        let said = Mutex<[String]>([])
        let drain = SpoolDrain(spool: spool) { text in said.withLock { $0.append(text) } }
        let engine = Engine()
        #expect(drain.drain(into: engine) == .init(applied: 1, refused: 2))
        #expect(said.withLock { $0.count } == 1)
        #expect(said.withLock { $0.first?.contains("refused 2") } == true)
        #expect(drain.drain(into: engine) == .init())
        #expect(engine.counters.refused == 2)
    }

    /// A claim takes the file: a second claim made before the first is done gets nothing.
    @Test func aClaimedFileIsNotClaimedAgain() throws {
        let spool = try Self.makeSpool()
        _ = try spool.append(#"{"type":"job.start","job":"a","name":"a"}"# + "\n")
        let first = try spool.claim(), second = try spool.claim()
        #expect(first.map(\.lines.count) == [1])
        #expect(second.isEmpty)
        first.forEach { $0.remove() }
        #expect(SpoolDirectory.names(in: spool.directory).isEmpty)
    }

    /// Writers append while two engines drain: every event lands in exactly one engine.
    @Test func twoEnginesNeverBothReplayAnEvent() throws {
        let spool = try Self.makeSpool()
        let writers = 4, perWriter = 300
        let engines = [Engine(), Engine()]
        let drains = engines.map { _ in SpoolDrain(spool: spool, say: Self.quiet) }
        let writing = Atomic<Int>(writers)
        let group = DispatchGroup()
        for w in 0..<writers {
            DispatchQueue.global().async(group: group) {
                for i in 0..<perWriter {
                    _ = try? spool.append(#"{"type":"job.start","job":"w\#(w)-\#(i)","name":"x"}"# + "\n")
                }
                writing.subtract(1, ordering: .releasing)
            }
        }
        for k in 0..<2 {
            DispatchQueue.global().async(group: group) {
                while writing.load(ordering: .acquiring) > 0 { drains[k].drain(into: engines[k]) }
                drains[k].drain(into: engines[k])
            }
        }
        group.wait()
        let ids = engines.map { Set($0.snapshot().state.jobs.keys) }
        #expect(ids[0].intersection(ids[1]).isEmpty)
        #expect(ids[0].count + ids[1].count == writers * perWriter)
        #expect(engines[0].counters.applied + engines[1].counters.applied == UInt64(writers * perWriter))
    }

    @Test func aSymlinkedSpoolIsRefused() throws {
        let spool = try Self.makeSpool()
        let elsewhere = spool.root + "-elsewhere"
        try FileManager.default.createDirectory(atPath: (spool.root as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        #expect(symlink(elsewhere, spool.root) == 0)
        #expect { try spool.append("{}\n") } throws: { "\($0)".contains("symbolic link") }
        #expect(SpoolDirectory.names(in: elsewhere).isEmpty)
        #expect { _ = try spool.claim() } throws: { "\($0)".contains("symbolic link") }
    }

    /// Another user's directory (or file) in the spool's place: nothing is written to it or
    /// read from it.
    @Test(.enabled(if: getuid() == 0, "needs root to give a directory to another uid"))
    func anotherUsersSpoolIsRefused() throws {
        let spool = try Self.makeSpool()
        _ = try spool.append(#"{"type":"job.start","job":"planted","name":"x"}"# + "\n")
        let nobody: uid_t = 65534
        #expect(chown(spool.directory, nobody, gid_t(nobody)) == 0)
        #expect { try spool.append("{}\n") } throws: { "\($0)".contains("belongs to") }
        let engine = Engine()
        let said = Mutex<[String]>([])
        SpoolDrain(spool: spool) { text in said.withLock { $0.append(text) } }.drain(into: engine)
        #expect(engine.snapshot().state[job: "planted"] == nil)
        #expect(said.withLock { $0.first?.contains("belongs to") } == true)
        // A file planted by another user in our own directory is not read either.
        #expect(chown(spool.directory, getuid(), getgid()) == 0)
        #expect(chown(spool.directory + "/" + Spool.fileName, nobody, gid_t(nobody)) == 0)
        SpoolDrain(spool: spool, say: Self.quiet).drain(into: engine)
        #expect(engine.snapshot().state[job: "planted"] == nil)
    }
}
