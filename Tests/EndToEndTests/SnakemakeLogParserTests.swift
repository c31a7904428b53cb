import Foundation
import Testing
@testable import pipetop
@testable import PipetopCore

/// The follower's reading of Snakemake 7 and 8's log lines ("rule X:", "Finished job N.", the
/// 4-column job stats), which the installed Snakemake 9 no longer writes; applied by the reducer.
@Suite("Snakemake log lines")
struct SnakemakeLogParserTests {
    static let snakemake7 = """
        Building DAG of jobs...
        Using shell: /usr/bin/bash
        Provided cores: 2
        Job stats:
        job          count    min threads    max threads
        ---------  -------  -------------  -------------
        all              1              1              1
        prepare          1              1              1
        process          2              1              1
        total            4              1              1

        Select jobs to execute...

        [Mon Jan 15 10:00:00 2024]
        rule prepare:
            output: prep.txt
            jobid: 3
            reason: Missing output files: prep.txt
            resources: tmpdir=/tmp

        [Mon Jan 15 10:00:01 2024]
        Finished job 3.
        1 of 4 steps (25%) done
        Select jobs to execute...

        [Mon Jan 15 10:00:01 2024]
        localrule process:
            input: prep.txt
            output: proc/a.txt
            jobid: 1
            wildcards: sample=a

        [Mon Jan 15 10:00:01 2024]
        rule process:
            input: prep.txt
            output: proc/b.txt
            log: logs/b.log
            jobid: 2
            wildcards: sample=b

        [Mon Jan 15 10:00:02 2024]
        Finished job 1.
        2 of 4 steps (50%) done
        [Mon Jan 15 10:00:03 2024]
        Error in rule process:
            jobid: 2
            output: proc/b.txt
            log: logs/b.log (check log file(s) for error message)
            shell:
                sleep 1; exit 1
                (one of the commands exited with non-zero exit code; note that snakemake uses bash strict mode!)

        Shutting down, this might take some time.
        Exiting because a job execution failed. Look above for error message
        Complete log: .snakemake/log/2024-01-15T100000.000000.snakemake.log
        """

    @Test func snakemake7LogBecomesTheJob() throws {
        var parser = SnakemakeLogParser(job: "snakemake:/w", name: "w", labels: ["pipeline": "w"],
                                        logLines: { $0 == "logs/b.log" ? ["b: bad input"] : [] })
        parser.now = 1_705_312_800
        var events: [Event] = []
        for line in Self.snakemake7.split(separator: "\n", omittingEmptySubsequences: false) { events += parser.feed(String(line)) }
        #expect(parser.ended)
        events += parser.end()
        var state = PipelineState()
        for e in events { try state.apply(e, now: e.ts ?? 0) }
        let job = try #require(state[job: "snakemake:/w"])
        #expect(job.phases.map(\.id) == ["all", "prepare", "process"])
        #expect(job.phases.map(\.total) == [nil, 1, 2])
        #expect(job.phases.map(\.done) == [0, 1, 1])
        #expect(job.phases.map(\.failed) == [0, 0, 1])
        // The job that never ran (all) is work not done, never `skipped` (found done).
        #expect(job.phases.map(\.skipped) == [0, 0, 0])
        #expect(job.phases.map(\.state) == [.pending, .done, .failed])
        #expect(job.phase("process")?.steps["sample=b"]?.state == .failed)
        #expect(job.phase("process")?.steps["sample=b"]?.detail == "b: bad input")
        #expect(job.phase("process")?.steps["sample=a"]?.state == .done)
        #expect(job.state == .failed)
        #expect(job.error == "1 of 4 jobs failed: process sample=b")
        // Snakemake's stamps (local time) are the events' times.
        let stamp = try #require(SnakemakeLogParser.stamp("[Mon Jan 15 10:00:03 2024]"))
        #expect(job.phase("process")?.endedAt == stamp)
    }

    @Test func aCompletedAndACanceledRun() throws {
        var ok = SnakemakeLogParser(job: "j", name: "j", labels: [:], logLines: { _ in [] })
        var events: [Event] = []
        for line in ["Job stats:", "job  count", "a  1", "total  1", "", "[Mon Jan 15 10:00:00 2024]", "rule a:", "    jobid: 0",
                     "[Mon Jan 15 10:00:01 2024]", "Finished jobid: 0 (Rule: a)", "1 of 1 steps (100%) done",
                     "Complete log(s): /w/.snakemake/log/x.snakemake.log"] { events += ok.feed(line) }
        events += ok.end()
        #expect(events.last?.body == .jobEnd(.init(status: .completed)))

        var stopped = SnakemakeLogParser(job: "j", name: "j", labels: [:], logLines: { _ in [] })
        for line in ["Job stats:", "job  count", "a  2", "total  2", "", "rule a:", "    jobid: 0",
                     "Terminating processes on user request, this might take some time.", "Complete log: x"] { _ = stopped.feed(line) }
        #expect(stopped.end().last?.body == .jobEnd(.init(status: .canceled, error: "Snakemake was stopped (interrupted)")))
    }
}
