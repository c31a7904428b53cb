import Foundation
import Testing
@testable import PipetopClient

/// What goes wrong is said in a sentence that names the file or socket and the reason, never
/// as a Swift type's internal name or Foundation's error dump.
@Suite("Errors as sentences")
struct PlainErrorTests {
    static let internalNames = ["unixDomainSocketPathTooLong", "NSCocoaErrorDomain", "Error Domain=", "Code="]

    @Test func aSocketPathTooLongIsSaidBeforeAnyDirectoryIsMade() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 104 bytes: over SwiftNIO's limit, though it would fit Linux's sun_path.
        let sub = dir + "/" + String(repeating: "d", count: 60)
        let sock = sub + "/" + String(repeating: "s", count: 104 - sub.utf8.count - 1)
        #expect(sock.utf8.count == 104)
        let r = try runPipetop(["daemon", "--socket", sock, "--db", ":memory:", "--sample-interval", "0"])
        #expect(r.status != 0)
        #expect(r.err.contains("cannot listen on \(sock): the path is 104 bytes, and a Unix socket's may have at most 103"), "\(r.err)")
        #expect(!Self.internalNames.contains { r.err.contains($0) }, "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: sub), "the socket's directory was made anyway")
    }

    @Test func aDatabaseThatCannotBeMadeNamesThePlaceAndTheReason() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        // Its directory would have to be made inside a regular file.
        let r = try runPipetop(["daemon", "--socket", dir + "/d.sock", "--db", dir + "/file/sub/pipetop.db", "--sample-interval", "0"])
        #expect(r.status != 0)
        #expect(r.err == "Error: pipetop: the database \(dir)/file/sub/pipetop.db cannot be created (\(dir)/file is not a directory)\n", "\(r.err)")
        #expect(!Self.internalNames.contains { r.err.contains($0) }, "\(r.err)")
    }

    @Test(arguments: [("dumb", "needs a terminal that can move its cursor, and TERM=dumb cannot"), ("no-such-terminal-xyz", "unknown to terminfo")])
    func aTerminalThatCannotShowTheDashboardIsToldSo(_ term: String, _ said: String) throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pane = try TmuxPane("env TERM=\(term) \(pipetopBinary) --socket \(dir)/d.sock --db :memory: --sample-interval 0; echo EXIT=$?",
                                width: 200, height: 10)
        // Compared without blanks: the message wraps, and a line's trailing blank is not captured.
        func squeezed(_ s: String) -> String { s.filter { $0 != " " && $0 != "\n" } }
        let (shown, screen) = pane.waitFor { squeezed($0).contains(squeezed(said)) }
        #expect(shown, "\(screen)")
        #expect(squeezed(screen).contains("pipetopreport") && squeezed(screen).contains("pipetopdaemon"), "\(screen)")
        // (The shell says the status: tmux's own pane_dead_status is sometimes never set for a
        // command that ends this fast.)
        let (ended, last) = pane.waitFor { $0.contains("EXIT=") }
        #expect(ended && last.contains("EXIT=1"), "\(last)")
    }
}
