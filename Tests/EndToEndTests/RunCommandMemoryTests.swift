import Foundation
import Testing
@testable import PipetopCore

/// `pipetop run`'s job shows its command's memory, not pipetop's: the command's rusage
/// inherits pipetop's peak across posix_spawn and exec, and the engine would sample the
/// sender of a job.start that names no process.
@Suite("pipetop run: the command's memory", .serialized)
struct RunCommandMemoryTests {
    @Test func aSmallCommandsPeakIsItsOwnNotPipetops() throws {
        let d = try Daemon()
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "tiny", "--", "sleep", "1"])
        #expect(r.status == 0, "\(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "tiny"]?.state == .completed })
        let job = try #require(s[job: "tiny"])
        let peak = job.resources?.peakRSS ?? 0
        // sleep's resident set is a few MiB; pipetop's (a debug build) is near 30 MiB.
        #expect(peak > 0, "sleep's tree should have been sampled")
        #expect(peak < 12 << 20, "peak \(peak) bytes is pipetop's, not sleep's")
    }

    @Test func aCommandThatUsesMoreThanPipetopKeepsItsRusagePeak() throws {
        let d = try Daemon()
        // 80 MiB touched then freed at once: the sampler may miss it, the rusage does not.
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "big", "--", "python3", "-c",
                                "b = bytearray(80 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1"])
        #expect(r.status == 0, "\(r.err)")
        let s = try #require(try engineState(d.sock) { $0[job: "big"]?.state == .completed })
        let peak = try #require(s[job: "big"]?.resources?.peakRSS)
        #expect(peak >= 80 << 20, "peak \(peak) bytes")
    }
}
