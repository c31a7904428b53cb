import Foundation
import Testing
@testable import PipetopEngine
#if canImport(Glibc)
import Glibc
#endif

/// `--metrics-textfile` writes through a temporary file: another user who can write to that
/// directory must not be able to aim the write at one of the victim's files.
@Suite("Metrics textfile")
struct TextfileWriterTests {
    func scratch() throws -> String {
        let d = "/tmp/pt-tf-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func theOldPredictableTemporaryNameIsNotFollowed() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/bashrc"
        try "alias ls='ls -F'\n".write(toFile: victim, atomically: false, encoding: .utf8)
        let target = dir + "/pipetop.prom"
        // What the old writer used: PATH.tmp.<pid>, planted as a link to the victim's file.
        #expect(symlink(victim, target + ".tmp.\(getpid())") == 0)
        try MetricsExposition.writeTextfile("pipetop_up 1\n", to: target)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "alias ls='ls -F'\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "pipetop_up 1\n")
    }

    @Test func theFileIsReplacedWholeWithItsModeAndNoLeftovers() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let target = dir + "/pipetop.prom"
        for round in 1...3 { try TextfileWriter.replace(target, with: "round \(round)\n") }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "round 3\n")
        var st = stat()
        #expect(lstat(target, &st) == 0 && st.st_mode & 0o777 == 0o644 && (st.st_mode & S_IFMT) == S_IFREG)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipetop.prom"])
    }

    @Test func aDirectoryThatCannotBeWrittenIsSaidInASentence() throws {
        do {
            try TextfileWriter.replace("/proc/pipetop.prom", with: "x\n")
            Issue.record("writing into /proc should fail")
        } catch {
            #expect("\(error)".hasPrefix("cannot write /proc/pipetop.prom: "), "\(error)")
        }
    }
}
