import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopStore
@testable import PipetopWire

/// The journal keeps of a run of progress updates only the first and the newest count of each
/// phase: replaying what it wrote must give the counts, states and logs the engine had.
@Suite("Progress merged in the journal", .serialized)
struct JournalCoalescingTests {
    /// A small deterministic generator (SplitMix64): a failing seed can be run again.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Replays, from a fresh state, every row the journal holds for `jobs` (what `export` gives).
    func replayed(_ path: String, jobs: [String]) throws -> PipelineState {
        let store = try Store(path: path)
        let rows = try jobs.flatMap { try store.entries(job: $0) }.sorted { $0.seq < $1.seq }
        var state = PipelineState()
        for e in rows {
            if case .success(.event(let event)) = EventDecoder.decode(e.line) { try? state.apply(event, now: e.at) }
        }
        return state
    }

    func randomEvent(_ rng: inout Seeded, done: inout [String: Int]) -> Event {
        let job = ["j1", "j2"][Int.random(in: 0...1, using: &rng)]
        let phase = ["a", "b"][Int.random(in: 0...1, using: &rng)]
        let key = job + "/" + phase
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<70:
            // Counts as a producer sends them: they only go up (a lower one is refused).
            var p = Event.Progress(phase: phase)
            if Bool.random(using: &rng) || Int.random(in: 0..<4, using: &rng) == 0 {
                done[key, default: 0] += Int.random(in: 0...5, using: &rng)
                p.done = done[key]
            } else {
                p.inc = Int.random(in: 1...3, using: &rng)
                done[key, default: 0] += p.inc!
            }
            if Int.random(in: 0..<5, using: &rng) == 0 {
                done[key + "/failed", default: 0] += Int.random(in: 0...3, using: &rng)
                p.failed = done[key + "/failed"]
            }
            if Int.random(in: 0..<7, using: &rng) == 0 {
                done[key + "/skipped", default: 0] += Int.random(in: 0...3, using: &rng)
                p.skipped = done[key + "/skipped"]
            }
            if Int.random(in: 0..<6, using: &rng) == 0 { p.total = Int.random(in: 100...200, using: &rng) }
            return Event(job: job, .progress(p))
        case 70..<85:
            let state: StepState = [.running, .done, .failed][Int.random(in: 0...2, using: &rng)]
            return Event(job: job, .step(.init(phase: phase, step: "s\(Int.random(in: 0..<5, using: &rng))", state: state)))
        case 85..<97:
            return Event(job: job, .log(.init(level: .info, message: "note \(Int.random(in: 0..<1000, using: &rng))", phase: phase)))
        default:
            return Event(job: job, .phaseEnd(.init(phase: phase)))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func replayingTheMergedJournalGivesTheSameCounts(seed: UInt64) throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(1_000)
        let engine = try Engine(clock: clock, store: try Store(path: path))
        for j in ["j1", "j2"] {
            engine.apply(Event(job: j, .jobStart(.init(name: j, phases: [.init(id: "a"), .init(id: "b")]))))
        }
        var rng = Seeded(state: seed)
        var done: [String: Int] = [:]
        var applied = 0
        // Reads of a few events each, as a connection applies them (one queue lock a read).
        while applied < 3_000 {
            let read = (0..<Int.random(in: 1...40, using: &rng)).map { _ in randomEvent(&rng, done: &done) }
            applied += read.count - engine.apply(read, lines: nil).count
            clock.advance(by: 0.01)
        }
        let live = engine.snapshot().state
        engine.close()
        let rows = try Store(path: path).eventCount()
        #expect(rows < applied, "nothing was merged: \(rows) rows for \(applied) events")
        let back = try replayed(path, jobs: ["j1", "j2"])
        for j in ["j1", "j2"] {
            let a = try #require(live[job: j]), b = try #require(back[job: j])
            #expect(a.logs.map(\.message) == b.logs.map(\.message), "seed \(seed), \(j): logs")
            for (p, q) in zip(a.phases, b.phases) {
                #expect(p.done == q.done && p.failed == q.failed && p.skipped == q.skipped && p.total == q.total,
                        "seed \(seed), \(j)/\(p.id): live \(p.done)/\(p.failed)/\(p.skipped)/\(String(describing: p.total)), replayed \(q.done)/\(q.failed)/\(q.skipped)/\(String(describing: q.total))")
                #expect(p.state == q.state && p.startedAt == q.startedAt, "seed \(seed), \(j)/\(p.id): state or start")
            }
        }
    }

    /// A burst of counts keeps two rows (the first, which starts the phase, and the newest); a
    /// log line between two counts keeps its place: the row before it holds the count before it.
    @Test func aBurstKeepsItsFirstAndLastCountAndALogLineKeepsItsPlace() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try Engine(clock: ManualClock(1_000), store: try Store(path: path))
        var read = [Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "a")])))]
        read.append(Event(job: "j", .progress(.init(phase: "a", done: 1, total: 2_000))))
        for n in 2...1_000 { read.append(Event(job: "j", .progress(.init(phase: "a", done: n)))) }
        read.append(Event(job: "j", .log(.init(level: .info, message: "half way"))))
        for n in 1_001...2_000 { read.append(Event(job: "j", .progress(.init(phase: "a", done: n)))) }
        #expect(engine.apply(read, lines: nil).isEmpty)
        engine.close()
        let rows = try Store(path: path).entries(job: "j")
        let shown = rows.map { row -> String in
            guard case .success(.event(let e)) = EventDecoder.decode(row.line) else { return "?" }
            switch e.body {
            case .progress(let p): return "\(p.done ?? -1)"
            case .log(let l): return l.message
            default: return e.typeName
            }
        }
        #expect(shown == ["job.start", "1", "1000", "half way", "1001", "2000"], "\(shown)")
        #expect(rows.map(\.seq) == rows.map(\.seq).sorted())
        let back = try replayed(path, jobs: ["j"])
        #expect(back[job: "j"]?.phase("a")?.done == 2_000)
        #expect(back[job: "j"]?.phase("a")?.total == 2_000)
    }

    /// An `inc` adds to the count: it is never merged into, and a count after it replaces it
    /// only when absolute; a total sent once stays even when later counts leave it out.
    @Test func incrementsAndTotalsAreNotLost() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try Engine(clock: ManualClock(1_000), store: try Store(path: path))
        let read = [Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "a")]))),
                    Event(job: "j", .progress(.init(phase: "a", done: 1))),
                    Event(job: "j", .progress(.init(phase: "a", done: 2))),
                    Event(job: "j", .progress(.init(phase: "a", inc: 5))),
                    Event(job: "j", .progress(.init(phase: "a", inc: 5))),
                    Event(job: "j", .progress(.init(phase: "a", done: 20, total: 50))),
                    Event(job: "j", ts: 1_000.25, seq: 7, .progress(.init(phase: "a", done: 21)))]
        #expect(engine.apply(read, lines: nil).isEmpty)
        let live = engine.snapshot().state[job: "j"]?.phase("a")
        engine.close()
        let back = try replayed(path, jobs: ["j"])[job: "j"]?.phase("a")
        #expect(live?.done == 21 && live?.total == 50)
        #expect(back?.done == live?.done && back?.total == live?.total)
        let rows = try Store(path: path).entries(job: "j")
        #expect(rows.count == 6, "a count without the total replaced the one with it")
        // A count is written from the event: its own time and number go with it.
        guard case .success(.event(let last))? = rows.last.map({ EventDecoder.decode($0.line) }) else { Issue.record("no last row"); return }
        #expect(last.ts == 1_000.25 && last.seq == 7, "\(rows.last?.line ?? "")")
    }
}
