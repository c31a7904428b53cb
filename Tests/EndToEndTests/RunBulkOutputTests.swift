import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// `pipetop run` reads progress from bulk output without reading every byte of it: long
/// binary runs with no line end, and floods of lines, are passed over, and what can hold
/// progress or an event is still found after them.
@Suite("pipetop run: bulk output", .serialized)
struct RunBulkOutputTests {
    @Test func aBarAfterMegabytesWithNoLineEndIsRead() throws {
        let d = try Daemon()
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 3 MB of NULs with no line end (more than the open line kept), a bar, then a flood of
        // text with no progress in it.
        // The bar and 30 KB of text after it come in one write (cat of a file), so in one read.
        let script = """
            head -c 3000000 /dev/zero
            { printf '\\n 45%%|####      | 45/100 [00:01<00:01, 44.2it/s]\\n'; yes 'some text' | head -c 30000; } > '\(dir)/bar'
            cat '\(dir)/bar'
            yes 'a line of plain text with nothing to read' | head -c 2000000
            """
        let r = try runProcess("/bin/sh", ["-c", "'\(pipetopBinary)' run --socket '\(d.sock)' --job bulk -- sh -c \"$0\" > '\(dir)/out'", script])
        #expect(r.status == 0, "\(r.err)")
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/out")
        #expect((attrs[.size] as? Int) == 3_000_000 + 49 + 30_000 + 2_000_000, "every byte passed on")
        let s = try #require(try engineState(d.sock) { $0[job: "bulk"]?.state.isTerminal == true })
        #expect(s[job: "bulk"]?.phase("run")?.done == 45)
        #expect(s[job: "bulk"]?.phase("run")?.total == 100)
    }

    @Test func eventLinesInAFloodAreAllTaken() throws {
        let d = try Daemon()
        let script = """
            seq 1 300000
            echo 'PIPETOP {"type":"log","message":"first"}'
            head -c 1000000 /dev/zero
            echo
            echo 'PIPETOP {"type":"log","message":"second"}'
            seq 1 300000
            """
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "flood", "--progress-from", "stdout", "--", "sh", "-c", script])
        #expect(r.status == 0, "\(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "flood"]?.state.isTerminal == true })
        let logs = s[job: "flood"]?.logs.map(\.message) ?? []
        #expect(logs.contains("first") && logs.contains("second"), "\(logs.suffix(3))")
    }
}
