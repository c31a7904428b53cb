import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// The real luigi (pip `luigi`, 3.x, in the virtual environment .ci/run makes:
/// /tmp/pipetop-ci-venv) and the pipeline clients/python/tests/luigi_pipeline.py: Fetch(part=1..N)
/// -> Clean -> Report, Clean failing with PIPELINE_FAIL=Clean, Fetch waiting for
/// PIPELINE_GATE.
enum LuigiPipeline {
    static let defaultVenv = "/tmp/pipetop-ci-venv"
    static let repo = SnakemakeWorkflow.repo

    /// The virtual environment's bin directory holding python with luigi (and pytest), or a
    /// failure that says how to get one (never a silent skip).
    static func bin() throws -> String {
        let env = ProcessInfo.processInfo.environment["PIPETOP_LUIGI_VENV"]
        let venv = env ?? defaultVenv
        let python = venv + "/bin/python"
        if FileManager.default.isExecutableFile(atPath: python),
           let r = try? runProcess(python, ["-c", "import luigi, pytest"]), r.status == 0 {
            return venv + "/bin"
        }
        throw ClientError("""
            luigi is not installed for the tests: run .ci/run, or \
            `python3 -m venv \(venv) && \(venv)/bin/pip install 'luigi==3.*' pytest` \
            (or set PIPETOP_LUIGI_VENV to a virtual environment that has both)
            """)
    }

    /// The client and the pipeline are taken from this checkout, not an installed copy.
    static var pythonPath: String { repo + "/clients/python:" + repo + "/clients/python/tests" }

    static let families = ["Fetch", "Clean", "Report"]

    /// Starts `program args` (from the venv's bin) in `dir`, with the signals a shell would give
    /// it (the test runner's threads block nearly all of them, and a Process inherits that).
    static func start(_ program: String, _ args: [String], in dir: String, env: [String: String]) throws -> (Process, Pipe) {
        let bin = try bin()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin + "/python")
        p.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                       + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", bin + "/" + program] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ProcessInfo.processInfo.environment.merging(["PIPELINE_OUT": dir, "PYTHONPATH": pythonPath]) { _, n in n }
            .merging(env) { _, n in n }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// Runs `program args` to its end (at most `seconds`): its status and output.
    static func run(_ program: String, _ args: [String], in dir: String, env: [String: String], seconds: Double = 60) throws -> (status: Int32, out: String) {
        let (p, out) = try start(program, args, in: dir, env: env)
        let text = out.fileHandleForReading.readDataToEndOfFile()
        guard SnakemakeWorkflow.waitForExit(p, seconds: seconds) else {
            p.terminate()
            throw ClientError("\(program) did not end within \(Int(seconds)) s:\n" + String(decoding: text, as: UTF8.self))
        }
        return (p.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    /// `python -m pipetop.luigi` (luigi's command line, reported) on Report of `parts` parts.
    static func reported(_ extra: [String], parts: Int = 1, in dir: String, env: [String: String]) throws -> (status: Int32, out: String) {
        try run("python", ["-m", "pipetop.luigi", "--module", "luigi_pipeline", "Report", "--parts", "\(parts)", "--local-scheduler"] + extra,
                in: dir, env: env)
    }

    /// What a run with Clean failing must look like in the engine.
    static func expectFailedRun(_ job: PipetopCore.Job, parts: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(job.name == "Report", sourceLocation: sourceLocation)
        #expect(job.labels["pipeline"] == "Report", sourceLocation: sourceLocation)
        #expect(job.labels["tool"] == "luigi", sourceLocation: sourceLocation)
        #expect(job.run == 1, "one run, ended once", sourceLocation: sourceLocation)
        #expect(job.phases.map(\.id) == families, sourceLocation: sourceLocation)
        // Report never started: the engine was never told its total.
        #expect(job.phases.map(\.total) == [parts, 1, nil], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.done) == [parts, 0, 0], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.failed) == [0, 1, 0], sourceLocation: sourceLocation)
        // The task that never ran is work not done, never `skipped` (which means found done).
        #expect(job.phases.map(\.skipped) == [0, 0, 0], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.state) == [.done, .failed, .pending], sourceLocation: sourceLocation)
        #expect(abs(job.fraction - 1.0 / 3) < 1e-9, "\(job.fraction)", sourceLocation: sourceLocation)
        #expect(Set(job.phase("Fetch")?.steps.items.map(\.id) ?? []) == Set((1...parts).map { "part=\($0)" }), sourceLocation: sourceLocation)
        let failed = job.phase("Clean")?.steps["parts=\(parts)"]
        #expect(failed?.state == .failed, sourceLocation: sourceLocation)
        #expect(failed?.detail?.hasPrefix("ValueError: 3 rows have no date (first: row 17)\n  at ") == true, "\(String(describing: failed))", sourceLocation: sourceLocation)
        #expect(failed?.detail?.contains("luigi_pipeline.py:") == true, sourceLocation: sourceLocation)
        #expect(job.state == .failed, sourceLocation: sourceLocation)
        #expect(job.error == "1 of \(parts + 2) tasks failed: Clean parts=\(parts)", sourceLocation: sourceLocation)
        #expect(job.logs.contains { $0.level == .error && $0.message.contains("3 rows have no date") }, sourceLocation: sourceLocation)
    }
}
