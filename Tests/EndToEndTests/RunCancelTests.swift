import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// A command that catches the SIGINT or SIGTERM the person sent `pipetop run`, cleans up and
/// exits 130/143 was canceled, as one the signal killed; an exit 130 nobody asked for failed.
@Suite("pipetop run: cancel", .serialized)
struct RunCancelTests {
    private func stopped(by sig: Int32, exit code: Int) throws -> (job: PipetopCore.Job, failedAlert: Bool) {
        let d = try Daemon()
        let ready = d.dir + "/ready"
        // A script that cleans up and exits as a shell would, with the signal's status.
        let script = """
            trap 'echo cleaning up >&2; exit \(code)' INT TERM
            touch '\(ready)'
            while :; do sleep 0.05; done
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pipetopBinary)
        p.arguments = ["run", "--socket", d.sock, "--job", "stop", "--", "sh", "-c", script]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: ready) && Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: ready))
        kill(p.processIdentifier, sig)
        p.waitUntilExit()
        #expect(p.terminationStatus == Int32(code))
        let s = try #require(try engineState(d.sock) { $0[job: "stop"]?.state.isTerminal == true })
        return (try #require(s[job: "stop"]), s.alerts.all.contains { $0.kind == "job-failed" })
    }

    @Test func anExit130AfterSIGINTIsACancel() throws {
        let (job, failedAlert) = try stopped(by: SIGINT, exit: 130)
        #expect(job.state == .canceled, "\(job.state) \(job.error ?? "")")
        #expect(job.error?.contains("SIGINT") == true, "the reason is said: \(job.error ?? "none")")
        #expect(!failedAlert, "a cancel raises no failure alert")
    }

    @Test func anExit143AfterSIGTERMIsACancel() throws {
        let job = try stopped(by: SIGTERM, exit: 143).job
        #expect(job.state == .canceled, "\(job.state) \(job.error ?? "")")
    }

    @Test func anExit130NobodyAskedForFails() throws {
        let d = try Daemon()
        let r = try runPipetop(["run", "--socket", d.sock, "--job", "self", "--", "sh", "-c", "exit 130"])
        #expect(r.status == 130)
        let s = try #require(try engineState(d.sock) { $0[job: "self"]?.state.isTerminal == true })
        #expect(s[job: "self"]?.state == .failed)
    }
}
