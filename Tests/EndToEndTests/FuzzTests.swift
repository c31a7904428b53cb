import Foundation
import Testing

/// The repository's root (this file is Tests/EndToEndTests/FuzzTests.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// libFuzzer ships with the Swift toolchain on Linux (swiftc -sanitize=fuzzer).
let hasLibFuzzer: Bool = {
    let swiftc = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
        .map { String($0) + "/swiftc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let swiftc else { return false }
    let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: swiftc)).map {
        $0.hasPrefix("/") ? $0 : URL(fileURLWithPath: swiftc).deletingLastPathComponent().appendingPathComponent($0).path
    } ?? swiftc
    let lib = URL(fileURLWithPath: real).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("lib/swift/clang/lib/linux/libclang_rt.fuzzer-x86_64.a").path
    return FileManager.default.fileExists(atPath: lib)
}()

/// Runs Fuzz/run on each target. By default the same exploration every time: seed 1, 50,000
/// inputs per target from a fresh corpus (about 30-40 s each here), so that CI's verdict does
/// not depend on luck; PIPETOP_FUZZ_SECONDS=N explores at random for N seconds instead (for
/// longer hunts). Fails on a crash, a timeout or running out of memory, naming the input.
@Suite("Fuzzing", .serialized)
struct FuzzTests {
    @Test(.enabled(if: hasLibFuzzer, "swiftc has no libFuzzer runtime"), .timeLimit(.minutes(30)))
    func theDecodersSurviveFuzzing() throws {
        let hunt = ProcessInfo.processInfo.environment["PIPETOP_FUZZ_SECONDS"].flatMap(Int.init)
        let seconds = hunt ?? 900
        if hunt == nil { try? FileManager.default.removeItem(atPath: repositoryRoot + "/.build/fuzz/corpus") }
        let log = NSTemporaryDirectory() + "pt-fuzz-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        FileManager.default.createFile(atPath: log, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: repositoryRoot + "/Fuzz/run")
        p.arguments = [String(seconds)]
        p.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        if hunt == nil {
            p.environment = ProcessInfo.processInfo.environment.merging(["PIPETOP_FUZZ_ARGS": "-seed=1 -runs=50000"]) { _, new in new }
        }
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        try out.close()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        print(text)
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FUZZ FAILURE") }
        for f in failures { Issue.record("\(f)") }
        #expect(p.terminationStatus == 0, "Fuzz/run exited \(p.terminationStatus):\n\(text.suffix(4000))")
        #expect(text.contains("fuzz: wire exit 0") && text.contains("fuzz: subscriber exit 0"))
    }
}
