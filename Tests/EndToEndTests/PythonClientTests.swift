import Foundation
import Testing

/// The Python client (clients/python) against the real engine binary, through pytest.
@Suite("Python client")
struct PythonClientTests {
    @Test func pytestPasses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let r = try runCommand(["python3", "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", root.path + "/clients/python/tests"],
                               env: ["PIPETOP_BIN": pipetopBinary])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        if let figure = r.out.split(separator: "\n").first(where: { $0.contains("advance()") }) { print("python client: \(figure)") }
    }
}

/// Runs a command to its end; its output and status.
func runCommand(_ args: [String], env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
