import Foundation
import Testing

/// The Python client (clients/python) against the real engine binary, through pytest.
@Suite("Python client")
struct PythonClientTests {
    @Test func pytestPasses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let r = try runProcess("/usr/bin/env", ["python3", "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", root.path + "/clients/python/tests"],
                               env: ["PIPETOP_BIN": pipetopBinary])
        #expect(r.status == 0, "\(r.out)\n\(r.err)")
        if let figure = r.out.split(separator: "\n").first(where: { $0.contains("advance()") }) { print("python client: \(figure)") }
    }
}
