import Foundation
import Testing
@testable import pipetop
@testable import PipetopCore

/// `pipetop run` of the real Debian tools, with no flag: the job's progress (or steps) as the
/// tool showed it, and its end, through the real engine over its socket.
@Suite("pipetop run with real tools", .serialized)
struct RunCommandToolTests {
    @Test func parallelsBar() throws {
        let d = try Daemon()
        let parallel = try RunCommandTools.debian("parallel")
        let r = try RunCommandTools.run(d, id: "bar", [], [parallel, "--will-cite", "--bar", "sleep 0.05; echo {}", ":::"] + (1...7).map(String.init))
        #expect(r.status == 0)
        #expect(r.job?.state == .completed)
        #expect(r.job?.phase("run")?.done == 7)
        #expect(r.job?.phase("run")?.total == 7)
    }

    @Test func parallelsEta() throws {
        let d = try Daemon()
        let parallel = try RunCommandTools.debian("parallel")
        let r = try RunCommandTools.run(d, id: "eta", [], [parallel, "--will-cite", "--eta", "sleep 0.05; echo {}", ":::"] + (1...6).map(String.init))
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 6)
        #expect(r.job?.phase("run")?.total == 6)
    }

    /// Each finished job a step, a failing one failed with its exit status; a joblog left by an
    /// earlier run is not read as this one's.
    @Test func parallelsJoblogAsSteps() throws {
        let d = try Daemon()
        let parallel = try RunCommandTools.debian("parallel")
        let log = d.dir + "/jobs.tsv"
        try "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n1\t:\t1\t0.1\t0\t0\t9\t0\told run\n"
            .write(toFile: log, atomically: false, encoding: .utf8)
        let old = Date(timeIntervalSinceNow: -60)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: log)
        let r = try RunCommandTools.run(d, id: "jl", [], [parallel, "--will-cite", "--joblog", "jobs.tsv", "sleep 0.1; exit {}", ":::", "0", "3", "0"], cwd: d.dir)
        #expect(r.status == 1, "parallel exits with the number of failed jobs")
        let steps = try #require(r.job?.phase("run")?.steps.items)
        #expect(steps.count == 3, "\(steps.map(\.id))")
        #expect(Set(steps.map(\.id)) == ["job 1: sleep 0.1; exit 0", "job 2: sleep 0.1; exit 3", "job 3: sleep 0.1; exit 0"])
        let failed = steps.filter { $0.state == .failed }
        #expect(failed.map(\.id) == ["job 2: sleep 0.1; exit 3"])
        #expect(failed.first?.detail?.hasPrefix("exit status 3") == true)
        #expect(r.job?.state == .failed)
    }

    @Test func rsyncProgress2() throws {
        let d = try Daemon()
        let rsync = try RunCommandTools.debian("rsync")
        let src = d.dir + "/src"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        for i in 1...20 { try Data(repeating: UInt8(i), count: 100_000).write(to: URL(fileURLWithPath: "\(src)/f\(i)")) }
        let r = try RunCommandTools.run(d, id: "rs", [], [rsync, "-a", "--info=progress2", src + "/", d.dir + "/dst/"])
        #expect(r.status == 0)
        // 20 files and the directory itself.
        #expect(r.job?.phase("run")?.done == 21)
        #expect(r.job?.phase("run")?.total == 21)
    }

    @Test func pvNumeric() throws {
        let d = try Daemon()
        let pv = try RunCommandTools.debian("pv")
        let file = d.dir + "/data"
        try Data(repeating: 7, count: 3_000_000).write(to: URL(fileURLWithPath: file))
        let r = try RunCommandTools.run(d, id: "pv", [], ["sh", "-c", "\(pv) -n -L 2m \(file) > /dev/null"])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 100)
        #expect(r.job?.phase("run")?.total == 100)
    }

    /// pv draws its bar only on a terminal it is in the foreground of (not pipetop's pty), or
    /// with -f: then its percentage is read.
    @Test func pvsForcedBar() throws {
        let d = try Daemon()
        let pv = try RunCommandTools.debian("pv")
        let file = d.dir + "/data"
        try Data(repeating: 7, count: 3_000_000).write(to: URL(fileURLWithPath: file))
        let r = try RunCommandTools.run(d, id: "pvbar", [], ["sh", "-c", "\(pv) -f -L 2m \(file) > /dev/null"])
        #expect(r.status == 0)
        #expect(r.err.contains("100%"), "pv drew its bar: \(r.err)")
        #expect(r.job?.phase("run")?.done == 100)
        #expect(r.job?.phase("run")?.total == 100)
    }

    @Test func ddBytes() throws {
        let d = try Daemon()
        let dd = try RunCommandTools.debian("dd", package: "coreutils")
        let r = try RunCommandTools.run(d, id: "dd", [], [dd, "if=/dev/zero", "of=/dev/null", "bs=1M", "count=5", "status=progress"])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.done == 5 * 1_048_576)
        #expect(r.job?.phase("run")?.total == nil)
        #expect(r.job?.phase("run")?.unit == "B")
    }

    @Test func makeTraceTargetsAsSteps() throws {
        let d = try Daemon()
        let make = try RunCommandTools.debian("make")
        try "all: a b c\na:\n\t@echo making a\nb: a\n\t@echo making b; false\nc:\n\t@echo making c\n"
            .write(toFile: d.dir + "/Makefile", atomically: false, encoding: .utf8)
        let r = try RunCommandTools.run(d, id: "mk", [], [make, "-C", d.dir, "--trace"])
        #expect(r.status == 2)
        let steps = try #require(r.job?.phase("run")?.steps.items)
        // In the order read: make's error (stderr) may come before its trace (stdout).
        #expect(Dictionary(uniqueKeysWithValues: steps.map { ($0.id, $0.state) }) == ["a": .done, "b": .failed])
        #expect(steps.first { $0.id == "b" }?.detail == "Error 1")
        #expect(r.job?.state == .failed)
    }

    /// Mixed output: after parallel's bar, a date alone on its line (12/31) is not progress.
    @Test func aDateAfterAToolsBarDoesNotMoveIt() throws {
        let d = try Daemon()
        let parallel = try RunCommandTools.debian("parallel")
        let r = try RunCommandTools.run(d, id: "mixed", [], ["sh", "-c", "\(parallel) --will-cite --bar 'echo {}' ::: 1 2 3 4; echo 12/31"])
        #expect(r.status == 0)
        #expect(r.out.hasSuffix("12/31\n"))
        #expect(r.job?.phase("run")?.done == 4)
        #expect(r.job?.phase("run")?.total == 4)
    }

    @Test func noProgressReadsNothing() throws {
        let d = try Daemon()
        let parallel = try RunCommandTools.debian("parallel")
        let r = try RunCommandTools.run(d, id: "none", ["--no-progress"], [parallel, "--will-cite", "--bar", "echo {}", ":::", "1", "2"])
        #expect(r.status == 0)
        #expect(r.job?.phase("run")?.total == nil)
        #expect(r.err.contains("100% 2:0=0s"), "the bar still reaches pipetop's stderr: \(r.err)")
        let bad = try runPipetop(["run", "--no-progress", "--progress-from", "stdout", "--", "true"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("--no-progress and --progress-from cannot be given together"))
    }
}
