import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore

/// The real Snakemake (pip `snakemake==9.*` in a virtual environment: `.ci/run` makes
/// /tmp/pipetop-ci-venv and exports PIPETOP_SNAKEMAKE) and a 5-rule workflow for it: a
/// wildcard fan-out over 4 samples, one job that fails (qc of sample c) with its log file,
/// and 2 downstream jobs that then never run.
enum SnakemakeWorkflow {
    static let defaultVenv = "/tmp/pipetop-ci-venv/bin/snakemake"
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The snakemake program, or a failure that says how to get one (never a silent skip).
    static func snakemake() throws -> String {
        let env = ProcessInfo.processInfo.environment["PIPETOP_SNAKEMAKE"]
        for path in [env, defaultVenv].compactMap({ $0 }) where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw ClientError("""
            snakemake is not installed for the tests: run .ci/run, or \
            `python3 -m venv /tmp/pipetop-ci-venv && /tmp/pipetop-ci-venv/bin/pip install 'snakemake==9.*'` \
            (or set PIPETOP_SNAKEMAKE to a snakemake program)\(env.map { "; PIPETOP_SNAKEMAKE=\($0) is not an executable file" } ?? "")
            """)
    }

    /// Where the plugin and the client are taken from: this checkout, not an installed copy.
    static var pythonPath: String { repo + "/clients/snakemake:" + repo + "/clients/python" }

    static let rules = ["prepare", "process", "qc", "summarize", "all"]

    /// Writes the workflow (and a profile that turns the plugin on) into `dir`. With `--config
    /// gate=FILE` the first job waits (at most 20 s) until that file exists; `--config
    /// fail=none` makes every job succeed.
    static func write(into dir: String) throws {
        let snakefile = #"""
        SAMPLES = ["a", "b", "c", "d"]
        GATE = config.get("gate", "")
        FAIL = config.get("fail", "c")
        WAIT = ("i=0; while [ ! -e %s ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; " % GATE) if GATE else ""

        rule all:
            input: "summary.txt"

        rule summarize:
            input: expand("qc/{sample}.txt", sample=SAMPLES)
            output: "summary.txt"
            shell: "sleep 0.1; cat {input} > {output}"

        rule qc:
            input: "proc/{sample}.txt"
            output: "qc/{sample}.txt"
            log: "logs/qc_{sample}.log"
            shell:
                "sleep 0.1; echo checking {wildcards.sample} > {log}; "
                "if [ {wildcards.sample} = %s ]; then echo 'qc: sample c has 3 bad reads' >> {log}; " % FAIL +
                "echo 'qc: giving up on c' >> {log}; exit 1; fi; cp {input} {output}"

        rule process:
            input: "prep.txt"
            output: "proc/{sample}.txt"
            shell: "sleep 0.1; echo {wildcards.sample} > {output}"

        rule prepare:
            output: "prep.txt"
            params: wait=WAIT
            shell: "{params.wait}sleep 0.1; echo ready > {output}"
        """#
        try snakefile.write(toFile: dir + "/Snakefile", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/profile", withIntermediateDirectories: true)
        try "logger: [pipetop]\ncores: 2\nkeep-going: true\n".write(toFile: dir + "/profile/config.yaml", atomically: true, encoding: .utf8)
    }

    /// The job id both the plugin and the follower give a run in `dir`.
    static func jobID(_ dir: String) -> String {
        "snakemake:" + (realpath(dir, nil).map { p in defer { free(p) }; return String(cString: p) } ?? dir)
    }

    /// Starts snakemake in `dir`, with the signals a shell would give it: the test runner's
    /// threads block nearly all of them, and a Process inherits that mask.
    static func start(_ args: [String], in dir: String, env: [String: String]) throws -> (Process, Pipe) {
        let program = try snakemake()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                       + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", program] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ProcessInfo.processInfo.environment.merging(env) { _, n in n }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return (p, out)
    }

    /// Runs snakemake in `dir` to its end (at most `seconds`): its status and output.
    static func run(_ args: [String], in dir: String, env: [String: String], seconds: Double = 60) throws -> (status: Int32, out: String) {
        let (p, out) = try start(args, in: dir, env: env)
        let text = out.fileHandleForReading.readDataToEndOfFile()  // ends when snakemake's output closes
        guard waitForExit(p, seconds: seconds) else {
            p.terminate()
            throw ClientError("snakemake did not end within \(Int(seconds)) s:\n" + String(decoding: text, as: UTF8.self))
        }
        return (p.terminationStatus, String(decoding: text, as: UTF8.self))
    }

    static func waitForExit(_ p: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return !p.isRunning
    }

    /// What the run must look like in the engine: rules as phases in rule-graph order with
    /// their totals, done counts, the failed job with its log's last lines, the jobs that never
    /// ran left as work not done (never `skipped`, which means found done), and the job failed.
    static func expectReported(_ job: PipetopCore.Job, dir: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(job.name == (dir as NSString).lastPathComponent, sourceLocation: sourceLocation)
        #expect(job.labels["pipeline"] == job.name, sourceLocation: sourceLocation)
        #expect(job.phases.map(\.id) == rules, sourceLocation: sourceLocation)
        // summarize and all never started: the engine was never told their totals.
        #expect(job.phases.map(\.total) == [1, 4, 4, nil, nil], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.done) == [1, 4, 3, 0, 0], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.failed) == [0, 0, 1, 0, 0], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.skipped) == [0, 0, 0, 0, 0], sourceLocation: sourceLocation)
        #expect(job.phases.map(\.state) == [.done, .done, .failed, .pending, .pending], sourceLocation: sourceLocation)
        // The bar: two rules whole, qc 3 of 4 (its failed job is no progress), two never run.
        #expect(abs(job.fraction - 2.75 / 5) < 1e-9, "\(job.fraction)", sourceLocation: sourceLocation)
        let failed = job.phase("qc")?.steps["sample=c"]
        #expect(failed?.state == .failed, sourceLocation: sourceLocation)
        #expect(failed?.detail?.contains("qc: sample c has 3 bad reads\nqc: giving up on c") == true, "\(String(describing: failed))", sourceLocation: sourceLocation)
        #expect(job.phase("qc")?.steps["sample=a"]?.state == .done, sourceLocation: sourceLocation)
        #expect(job.phase("process")?.steps["sample=d"]?.state == .done, sourceLocation: sourceLocation)
        #expect(job.state == .failed, sourceLocation: sourceLocation)
        #expect(job.error == "1 of 11 jobs failed: qc sample=c", sourceLocation: sourceLocation)
        #expect(job.logs.contains { $0.level == .error && $0.message.contains("qc: giving up on c") }, sourceLocation: sourceLocation)
    }
}
