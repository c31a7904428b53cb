import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopEngine
@testable import PipetopStore

/// The journal's writer on a real SQLite file: events that come one at a time (a producer per
/// connection, each read a few events) are committed once a window, not once an event.
@Suite("The journal's window", .serialized)
struct JournalWindowTests {
    @Test func eventsComingOneAtATimeAreCommittedOnceAWindow() throws {
        let (dir, path) = tempDB()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = try Engine(store: try Store(path: path))
        defer { engine.close() }
        let journal = try #require(engine.journal)
        engine.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "a")]))))
        let started = Date()
        // 300 log lines (never merged), each its own read, 2 ms apart.
        for n in 0..<300 {
            engine.apply(Event(job: "j", .log(.init(level: .info, message: "line \(n)", phase: "a"))))
            usleep(2_000)
        }
        let windows = Date().timeIntervalSince(started) / journal.window
        // Everything is written without a `sync` asking (the last window ends by itself).
        let deadline = Date().addingTimeInterval(10)
        while journal.committedThrough < engine.lastSeq && Date() < deadline { usleep(10_000) }
        #expect(journal.committedThrough == engine.lastSeq)
        // One commit for the first event (the writer was idle), then one a window at most.
        let commits = journal.commits.load(ordering: .relaxed)
        #expect(commits <= Int(windows) + 3, "\(commits) commits in \(Int(windows)) windows")
        #expect(try Store(path: path).eventCount() == 301)
    }
}
