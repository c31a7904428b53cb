import Foundation
import Synchronization
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopStore
@testable import PipetopWire

/// A small seeded generator (SplitMix64): a failing soak run is repeated with its seed.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What the engine promised: for each job and phase, the highest count a `sync` covered;
/// and how many lines syncs covered in all.
struct Acked {
    var done: [String: [String: Int]] = [:]
    var checkpoint: [String: Int] = [:]
    var lines = 0
    /// Synced lines other than progress: the journal keeps each as a row of its own.
    var unmerged = 0
    var sent = 0
}

@Suite("Crash soak: SIGKILL at random moments loses nothing synced", .serialized)
struct CrashSoakTests {
    static let phases = ["a", "b", "c"]

    /// Producers stream to `pipetop daemon` on a real database and sync now and then; the
    /// engine is killed (SIGKILL; every fifth cycle SIGTERM, which leaves a snapshot) at a
    /// random moment and restarted. After each restart every synced count must be there, and
    /// SQLite must find the file sound. PIPETOP_SOAK_CYCLES (default 20) and
    /// PIPETOP_SOAK_SEED repeat or lengthen a run.
    @Test func killedAtRandomMomentsNothingSyncedIsLost() throws {
        let env = ProcessInfo.processInfo.environment
        let cycles = env["PIPETOP_SOAK_CYCLES"].flatMap(Int.init) ?? 20
        let seed = env["PIPETOP_SOAK_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("crash soak: seed \(seed) (PIPETOP_SOAK_SEED=\(seed) repeats it), \(cycles) cycles")
        var rng = SeededRNG(seed: seed)
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/soak.db", sock = dir + "/soak.sock"
        let acked = Mutex(Acked())
        let started = Date()
        var kills = 0, terms = 0

        for cycle in 0..<cycles {
            let daemon = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"], log: dir + "/log-\(cycle)")
            guard waitForEngine(sock) else {
                stopChild(daemon)
                Issue.record("cycle \(cycle) (seed \(seed)): the engine did not come back: \((try? String(contentsOfFile: dir + "/log-\(cycle)", encoding: .utf8)) ?? "")")
                return
            }
            // Everything synced before the crash is in the restored state.
            let promised = acked.withLock { $0 }
            if cycle > 0 {
                let state = try engineState(sock) { s in
                    promised.done.allSatisfy { job, phases in phases.allSatisfy { (s[job: job]?.phase($0.key)?.done ?? -1) >= $0.value } }
                }
                for (job, phases) in promised.done.sorted(by: { $0.key < $1.key }) {
                    guard let j = state?[job: job] else { Issue.record("cycle \(cycle) (seed \(seed)): job \(job) lost"); continue }
                    for (phase, n) in phases.sorted(by: { $0.key < $1.key }) {
                        let have = j.phase(phase)?.done ?? -1
                        #expect(have >= n, "cycle \(cycle) (seed \(seed)): \(job)/\(phase) restored at \(have), \(n) were synced")
                    }
                    if let cp = promised.checkpoint[job] {
                        let last = j.checkpoints.last.flatMap { c -> Int? in if case .int(let v)? = c.data?["seq"] { return v }; return nil } ?? -1
                        #expect(last >= cp, "cycle \(cycle) (seed \(seed)): \(job) checkpoint \(last), \(cp) was synced")
                    }
                }
            }

            // Three producers, each its own job; a random batch size, a sync after each batch.
            let producers = 3
            let batchMax = Int.random(in: 1...200, using: &rng)
            let killAfter = Double.random(in: 0.05...0.8, using: &rng)
            let graceful = cycle % 5 == 4
            let stop = Atomic(false)
            var threads: [Thread] = []
            let finished = DispatchGroup()
            for k in 0..<producers {
                let job = "soak-\(k)"
                let producerSeed = rng.next()
                finished.enter()
                let t = Thread {
                    defer { finished.leave() }
                    var local = SeededRNG(seed: producerSeed)
                    guard let c = try? EngineConnection(path: sock) else { return }
                    defer { c.close() }
                    var counts = acked.withLock { $0.done[job] ?? [:] }
                    var seqNo = acked.withLock { $0.checkpoint[job] ?? 0 }
                    let phaseList = Self.phases.map { "\"\($0)\"" }.joined(separator: ",")
                    var pending = [#"{"type":"job.start","job":"\#(job)","phases":[\#(phaseList)]}"#]
                    while !stop.load(ordering: .relaxed) {
                        var sentCounts = counts
                        var counted = 0
                        for _ in 0..<Int.random(in: 1...batchMax, using: &local) {
                            let ph = Self.phases.randomElement(using: &local)!
                            let n = (sentCounts[ph] ?? 0) + Int.random(in: 1...5, using: &local)
                            sentCounts[ph] = n
                            pending.append(#"{"type":"progress","job":"\#(job)","phase":"\#(ph)","done":\#(n)}"#)
                            counted += 1
                            if Int.random(in: 0..<20, using: &local) == 0 {
                                pending.append(#"{"type":"log","job":"\#(job)","level":"info","message":"at \#(n)"}"#)
                            }
                        }
                        seqNo += 1
                        pending.append(#"{"type":"checkpoint","job":"\#(job)","name":"c\#(seqNo)","data":{"seq":\#(seqNo)}}"#)
                        let lines = pending.count, unmerged = lines - counted
                        do {
                            try c.send(pending.map { $0 + "\n" }.joined())
                            acked.withLock { $0.sent += lines }
                            pending.removeAll()
                            // After a kill, this producer starts again from the counts the
                            // engine acknowledged, while the engine may have applied (and kept)
                            // a batch it never acknowledged: its lower counts are then refused
                            // (counts do not go backwards), as they should be.
                            let errors = try c.sync(timeout: 5).filter { reply in
                                if case .error(_, let reason) = reply, reason.contains("counts do not go backwards") { return false }
                                return true
                            }
                            if !errors.isEmpty { Issue.record("refused lines: \(errors)") }
                        } catch {
                            return  // the engine died under us: expected
                        }
                        // Only now is it promised.
                        counts = sentCounts
                        let upTo = seqNo
                        acked.withLock { a in
                            a.done[job] = counts
                            a.checkpoint[job] = upTo
                            a.lines += lines
                            a.unmerged += unmerged
                        }
                    }
                }
                threads.append(t)
                t.start()
            }
            Thread.sleep(forTimeInterval: killAfter)
            if graceful {
                stopChild(daemon)  // SIGTERM: a clean stop with a snapshot
                terms += 1
            } else {
                kill(daemon, SIGKILL)
                var status: Int32 = 0
                waitpid(daemon, &status, 0)
                #expect((status & 0x7f) == SIGKILL, "cycle \(cycle): the engine was not killed by SIGKILL (status \(status))")
                kills += 1
            }
            stop.store(true, ordering: .relaxed)
            finished.wait()

            // Between lives, the file must be sound.
            let check = try Store(path: db).integrityCheck()
            #expect(check == "ok", "cycle \(cycle) (seed \(seed)): integrity_check says \(check)")
        }

        // The journal holds at least every synced line, and the sqlite3 tool agrees the file is sound.
        let final = acked.withLock { $0 }
        let store = try Store(path: db)
        let journaled = try store.eventCount()
        // Runs of progress counts are merged (the first and newest of each are kept): every other
        // synced line has a row of its own.
        #expect(journaled >= final.unmerged, "the journal has \(journaled) rows, \(final.unmerged) lines other than progress were synced")
        let restored = try store.restoreState().state
        for (job, phases) in final.done {
            for (phase, n) in phases { #expect((restored[job: job]?.phase(phase)?.done ?? -1) >= n, "file: \(job)/\(phase) < \(n)") }
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") {
            let r = try runProcess("/usr/bin/sqlite3", [db, "PRAGMA integrity_check;"])
            #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "sqlite3: \(r.out) \(r.err)")
        }
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "crash soak: seed %llu, %d cycles (%d SIGKILL, %d SIGTERM), %d lines sent, %d synced, %d journaled, %.1f s",
                     seed, cycles, kills, terms, final.sent, final.lines, journaled, seconds))
        #expect(final.lines > 0)
    }
}
