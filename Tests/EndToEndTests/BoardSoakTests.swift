import Foundation
import Synchronization
import Testing
@testable import PipetopClient
@testable import PipetopWire
import PipetopCore

/// Kill -9 soak of what viewers see: producers send a random, valid mix over real
/// connections to `pipetop daemon` on a real database and sync; the Board is read; the
/// engine is killed with SIGKILL and restarted on the same file; the Board read again must be
/// the same one, for every synced event.
///
/// What may differ, and why (`BoardComparison`):
/// - the Board's `at` (when it was projected);
/// - a job's `eta` beyond whether it is frozen, a phase's `finishAt`: the estimate is remade
///   from the restored state at the engine's next tick, at a later time;
/// - `stalledSince`, a running phase's `throughput` and `rate`: they move with the clock;
/// - `skew` by at most 0.1 s: the journal keeps one row of a run of progress counts (the
///   newest), so a restart learns the producer's clock from fewer arrivals;
/// - `host` and `resources`: the engine runs without the sampler (`--sample-interval 0`),
///   so both must be empty before and after (timelines across kill -9, which come back as
///   the last snapshot had them: `HostTimelineRestartTests`).
/// - the job `noise`, which reports without syncing while the engine is killed.
/// Rules that judge time (stalls, slips, host memory) are switched off in its config; the
/// alerts compared come from events (failures, error lines, `alert`) and a job's own metric
/// rule. `PIPETOP_BOARD_SOAK_SEED` repeats a run.
@Suite("Kill -9 soak: the Board after a restart is the Board before it", .serialized)
struct BoardSoakTests {
    @Test func theBoardSurvivesKillNine() throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["PIPETOP_BOARD_SOAK_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(UInt32.max))
        let rounds = env["PIPETOP_BOARD_SOAK_ROUNDS"].flatMap(Int.init) ?? 4
        print("board soak: seed \(seed) (PIPETOP_BOARD_SOAK_SEED=\(seed) repeats it), \(rounds) rounds")
        var rng = SeededRNG(seed: seed)
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/soak.db", sock = dir + "/soak.sock"
        // Only rules that judge events: time-judging ones would raise alerts at the restarted
        // engine's own moment (they are tested elsewhere).
        try FileManager.default.createDirectory(atPath: dir + "/config/pipetop", withIntermediateDirectories: true)
        try """
        [alerts]
        off = ["stalled", "error-rate", "slow", "eta-slip", "memory", "host-memory"]
        """.write(toFile: dir + "/config/pipetop/config.toml", atomically: true, encoding: .utf8)
        setenv("XDG_CONFIG_HOME", dir + "/config", 1)
        defer { unsetenv("XDG_CONFIG_HOME") }

        var producers = (0..<3).map { SoakProducer(index: $0, skew: $0 == 0 ? 600 : 0) }
        var daemon = try startSoakDaemon(sock: sock, db: db, log: dir + "/log-0")
        defer { kill(daemon, SIGKILL); waitpid(daemon, nil, 0) }
        var compared = 0
        var seen = SoakCoverage()
        for round in 0..<rounds {
            // Producers send a random mix at the same time, each over its own connection,
            // syncing after each batch (the batches are drawn first: the seed repeats them).
            for _ in 0..<Int.random(in: 2...5, using: &rng) {
                let batches = producers.indices.map { producers[$0].batch(using: &rng) }
                let refusals = Mutex<[String]>([])
                DispatchQueue.concurrentPerform(iterations: batches.count) { k in
                    do {
                        let c = try EngineConnection(path: sock)
                        defer { c.close() }
                        let refused = try send(c, batches[k])
                        if !refused.isEmpty { refusals.withLock { $0.append("\(refused) of \(batches[k])") } }
                    } catch {
                        refusals.withLock { $0.append("\(error)") }
                    }
                }
                let refused = refusals.withLock { $0 }
                #expect(refused.isEmpty, "round \(round) (seed \(seed)): \(refused)")
            }
            // A person acknowledges some alerts and silences a job now and then.
            try operate(sock: sock, using: &rng)
            // Meanwhile a job that never syncs keeps reporting, through the kill: the engine
            // dies in the middle of traffic. Its own figures are not compared (nothing of it
            // was promised), all the others must be as they were.
            let noise = NoiseProducer(sock: sock)
            // Wait until the engine's rules have said their word (the Board stops changing),
            // then sync: what the timer journaled is on disk too.
            let before = try stableBoard(sock)
            let c = try EngineConnection(path: sock)
            _ = try c.sync()
            c.close()
            usleep(UInt32.random(in: 0...200_000, using: &rng))
            kill(daemon, SIGKILL)
            var status: Int32 = 0
            waitpid(daemon, &status, 0)
            #expect((status & 0x7f) == SIGKILL, "round \(round): the engine was not killed by SIGKILL")
            noise.stop()

            daemon = try startSoakDaemon(sock: sock, db: db, log: dir + "/log-\(round + 1)")
            let after = try stableBoard(sock)
            let differences = BoardComparison.differences(before, after)
            #expect(differences.isEmpty, """
                round \(round) (seed \(seed)): the Board changed across kill -9:
                \(differences.prefix(20).joined(separator: "\n"))
                """)
            compared += 1
            seen.note(before)
            if !differences.isEmpty { break }
        }
        #expect(compared == rounds)
        let jobs = producers.map(\.jobsStarted).reduce(0, +)
        print("board soak: seed \(seed), \(compared) kill -9 rounds compared, \(jobs) jobs; the Boards compared held \(seen)")
        // The mix reached what it is meant to test.
        #expect(seen.alerts > 0 && seen.acknowledged > 0 && seen.steps > 0 && seen.checkpoints > 0 && seen.skewed > 0, "\(seen)")
    }

    func startSoakDaemon(sock: String, db: String, log: String) throws -> pid_t {
        let pid = try spawnServer([pipetopBinary, "daemon", "--socket", sock, "--db", db, "--sample-interval", "0"], log: log)
        guard waitForEngine(sock) else {
            kill(pid, SIGKILL); waitpid(pid, nil, 0)
            throw ClientError("the daemon did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        return pid
    }

    /// Acknowledges some open, unacknowledged alerts, clears some acknowledged ones raised by
    /// events; sometimes silences a job.
    func operate(sock: String, using rng: inout SeededRNG) throws {
        let board = try readBoard(sock)
        var lines: [String] = []
        for case .object(let a) in board["alerts"]?.arrayValue ?? [] {
            let alert = JSONValue.object(a)
            guard case .string(let id)? = alert["id"], case .string(let job)? = alert["job"], Bool.random(using: &rng) else { continue }
            if alert["ack"] == nil || alert["ack"] == .null {
                if alert["resolvedAt"] == nil || alert["resolvedAt"] == .null {
                    lines.append(#"{"type":"ack","job":"\#(job)","alert":"\#(id)","by":"soak","comment":"seen"}"#)
                }
            } else if case .string(let kind)? = alert["kind"], !kind.hasPrefix("rule:"), Int.random(in: 0..<3, using: &rng) == 0 {
                // An acknowledged alert raised by an event may be cleared (the `x` key).
                lines.append(#"{"type":"alerts.clear","job":"\#(job)","alert":"\#(id)"}"#)
            }
        }
        if Int.random(in: 0..<3, using: &rng) == 0, case .string(let job)? = board["jobs"]?[0]?["id"] {
            lines.append(#"{"type":"silence","job":"\#(job)","for":3600,"by":"soak","comment":"quiet"}"#)
        }
        guard !lines.isEmpty else { return }
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        let refused = try send(c, lines)
        #expect(refused.isEmpty, "\(refused)")
    }

    /// The Board (with every phase's steps) once two readings a tick apart agree.
    func stableBoard(_ sock: String) throws -> JSONValue {
        var last = try fullBoard(sock)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 1.2)  // the engine's rules and estimates tick once a second
            let next = try fullBoard(sock)
            if BoardComparison.differences(last, next).isEmpty { return next }
            last = next
        }
        Issue.record("the Board did not settle within 15 s")
        return last
    }

    /// The overview Board, with each phase's steps read from a Board focused on it.
    func fullBoard(_ sock: String) throws -> JSONValue {
        var board = try readBoard(sock)
        guard case .array(var jobs)? = board["jobs"] else { return board }
        for j in jobs.indices {
            guard case .string(let job)? = jobs[j]["id"], case .array(var phases)? = jobs[j]["phases"] else { continue }
            for p in phases.indices {
                guard case .string(let phase)? = phases[p]["id"] else { continue }
                let focused = try readBoard(sock, focus: #","focus":{"job":"\#(job)","phase":"\#(phase)"}"#)
                let steps = focused["jobs"]?.arrayValue?.first { $0["id"] == .string(job) }?["phases"]?.arrayValue?
                    .first { $0["id"] == .string(phase) }?["steps"]
                phases[p] = phases[p].setting("steps", steps ?? .null)
            }
            jobs[j] = jobs[j].setting("phases", .array(phases))
        }
        board = board.setting("jobs", .array(jobs))
        return board
    }

    /// One Board as a protocol-2 viewer gets it first.
    func readBoard(_ sock: String, focus: String = "") throws -> JSONValue {
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        try c.send(#"{"type":"subscribe","v":2,"fps":10,"checkpoint_data":true\#(focus)}"# + "\n")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let line = try c.readLine(timeout: 1) else { continue }
            if case .board(_, let board) = try BoardMessage.decode(line) { return board }
        }
        throw ClientError("no Board within 10 s")
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// This object with `key` set to `value` (appended when it was not there).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
        return .object(members)
    }
}
