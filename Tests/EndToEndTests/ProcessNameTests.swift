import Foundation
import Testing

/// The dashboard re-executes itself once (to turn Swift's backtracer off); ps, top and pgrep
/// must still call it `pipetop`, not `exe`.
@Suite("Process name", .serialized)
struct ProcessNameTests {
    @Test func theDashboardIsCalledPipetop() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/name.sock"
        let tmux = try TmuxPane("\(pipetopBinary) --socket \(sock)", env: ["XDG_STATE_HOME": dir])
        #expect(tmux.waitFor { $0.contains("pipetop") }.0)
        guard let pid = pidOf(commandContaining: sock) else { Issue.record("no dashboard process"); return }
        let comm = try String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)
        #expect(comm == "pipetop\n")
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
        #expect(exe.hasSuffix("/pipetop"), "\(exe)")
    }
}
