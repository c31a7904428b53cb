import Foundation
import Testing
@testable import PipetopCore

/// A Python script's `N/M` lines reach the job while it runs, not at its exit: `pipetop run`
/// sets PYTHONUNBUFFERED for it when it reads progress (Python buffers a pipe).
@Suite("pipetop run and Python's buffering", .serialized)
struct RunPythonProgressTests {
    @Test func progressArrivesWhileTheScriptRuns() throws {
        let d = try Daemon()
        let gate = d.dir + "/gate"
        #expect(mkfifo(gate, 0o600) == 0)
        let script = d.dir + "/work.py"
        try """
        print("step 2/5")
        open(\(String(reflecting: gate))).read()  # held here until the test has looked
        print("step 5/5")
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: pipetopBinary)
        run.arguments = ["run", "--socket", d.sock, "--id", "py", "--progress-from", "stdout", "--", "python3", script]
        run.environment = ProcessInfo.processInfo.environment.filter { $0.key != "PYTHONUNBUFFERED" }.merging(["XDG_STATE_HOME": d.dir]) { _, n in n }
        run.standardOutput = FileHandle.nullDevice
        try run.run()
        let seen = try engineState(d.sock) { $0[job: "py"]?.phases.first?.done == 2 }
        #expect(seen?[job: "py"]?.phases.first?.done == 2, "the first line came only at the end (buffered)")
        try "go\n".write(toFile: gate, atomically: false, encoding: .utf8)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
    }
}
