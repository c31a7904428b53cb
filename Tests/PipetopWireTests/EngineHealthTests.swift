import Testing
@testable import PipetopCore
@testable import PipetopWire

/// The verdict drawn from the engine's parts: each check against its limit, the worst winning.
@Suite("Engine health")
struct EngineHealthTests {
    func health(database: EngineHealth.Database = .init(path: "/d/p.db", writable: true, backlogLimit: 100_000),
                sampler: EngineHealth.Sampler? = .init(intervalS: 1, lastSampleAgeS: 0.5),
                notifiers: [EngineHealth.Target] = []) -> EngineHealth {
        EngineHealth(version: "0.1.0", pid: 1, now: 1_000, startedAt: 900, socket: "/s", database: database, sampler: sampler,
                     notifiers: notifiers, viewers: 0, jobs: [:], queue: .init())
    }

    @Test func everyPartWithinItsLimitIsHealthy() {
        let h = health()
        #expect(h.status == .healthy && h.reasons.isEmpty)
        #expect(h.uptimeS == 100)
        #expect(EngineHealth.checks.allSatisfy { h.status(of: $0) == .healthy })
    }

    @Test func aStoppedSamplerIsDegradedAfterTenIntervalsAndNotBefore() {
        #expect(health(sampler: .init(intervalS: 1, lastSampleAgeS: 9.9)).status == .healthy)
        let h = health(sampler: .init(intervalS: 1, lastSampleAgeS: 42))
        #expect(h.status == .degraded)
        #expect(h.reasons.first?.message == "the sampler has not read /proc for 42s (it should every 1s): CPU and memory figures are stale and lost processes go unseen")
        // A slow interval gets ten of them.
        #expect(health(sampler: .init(intervalS: 5, lastSampleAgeS: 42)).status == .healthy)
        #expect(health(sampler: nil).status == .healthy)
    }

    @Test func aJournalFarBehindIsDegraded() {
        let h = health(database: .init(path: "/d/p.db", writable: true, backlog: 10_001, backlogLimit: 100_000))
        #expect(h.status == .degraded && h.status(of: "journal") == .degraded)
        #expect(h.reasons.first?.message.hasPrefix("the journal is behind: 10001 events wait to be written to /d/p.db") == true)
        #expect(health(database: .init(path: "/d/p.db", writable: true, backlog: 10_000, backlogLimit: 100_000)).status == .healthy)
    }

    @Test func anUnwritableDatabaseIsDegradedAndRefusingIsUnhealthy() {
        let down = health(database: .init(path: "/d/p.db", writable: false, error: "Read-only file system", backlog: 1, backlogLimit: 100_000))
        #expect(down.status == .degraded && down.status(of: "database") == .degraded)
        #expect(down.reasons.first?.message == "the database /d/p.db cannot be written (Read-only file system); 1 event waits in memory (up to 100000) "
                + "and is written when it can be, but is lost if the engine stops before then")
        let full = health(database: .init(path: "/d/p.db", writable: false, error: "No space left on device", backlog: 100_000,
                                          backlogLimit: 100_000, refusing: true))
        #expect(full.status == .unhealthy && full.status.code == 2)
    }

    @Test func aNotifierThatBacksUpOrKeepsFailingIsDegraded() {
        #expect(health(notifiers: [.init(name: "ops", queued: 100, failingInARow: 2)]).status == .healthy)
        let queued = health(notifiers: [.init(name: "ops", queued: 101)])
        #expect(queued.status(of: "notifier") == .degraded)
        #expect(queued.reasons.first?.message == "notifications to ops are backing up: 101 wait to be sent (more than 100)")
        let failing = health(notifiers: [.init(name: "ops", failingInARow: 3, lastError: "connection refused")])
        #expect(failing.reasons.first?.message == "notifications to ops keep failing: the last 3 attempts failed (connection refused)")
    }

    @Test func theWorstCheckWinsAndTheJSONRoundTrips() throws {
        let h = health(database: .init(path: "/d/p.db", writable: false, error: "x", backlog: 100_000, backlogLimit: 100_000, refusing: true),
                       sampler: .init(intervalS: 1, lastSampleAgeS: 60))
        #expect(h.status == .unhealthy && h.reasons.count == 2)
        let line = HealthReply.line(h)
        #expect(line.hasPrefix(#"{"type":"health","schema":"pipetop.status/1","status":"unhealthy""#), "\(line)")
        #expect(try HealthReply.parse(line) == h)
    }
}
