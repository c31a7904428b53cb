import ArgumentParser
import Foundation
import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

/// `pipetop follow nextflow [DIR]`: tails DIR/.nextflow.log of a run going and reports it as
/// the weblog would (the same job id), through the same never-failing delivery as `pipetop
/// run` (queue, reconnects, spool).
struct FollowNextflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nextflow",
        abstract: "Follow a Nextflow run in DIR (default: here) from its .nextflow.log, until it ends.",
        discussion: """
        Reads DIR/.nextflow.log, the run going (or, when the last run has ended, waits for the next). The run is a job named by Nextflow's run name, processes become phases as their first task is submitted, tasks become steps (named by the text in the task's parentheses: its tag, or its index), a -resume's cached tasks are done, retried and ignored failures are told as warnings, a task that fails for good fails its phase with Nextflow's error, and the job ends as the log says. The Nextflow process running in DIR is watched and sampled.

        The log cannot show: a process's total before all its tasks are submitted (a phase's total is the tasks seen so far), a task's own CPU and memory (they are in the trace file and the weblog), or whether a task name's parentheses hold a tag or an index. For all of that, run Nextflow with -with-weblog and pipetop daemon --weblog; see docs/INTEGRATIONS.md.
        """
    )

    @Argument(help: "The directory Nextflow was launched in.")
    var dir: String = "."

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        let launch = try NextflowLaunchDirectory(dir)
        waitForRun(in: launch)
        let inode = launch.logInode()
        let tail = try FileLineTail(path: launch.log)
        var parser = NextflowLogParser(labels: ["workdir": launch.path])
        parser.pid = launch.nextflowPid()
        var queue: ReportQueue?
        EmitCommand.say("pipetop follow: following \(launch.log)" + (parser.pid.map { " (Nextflow pid \($0))" } ?? ""))

        // The job's id is Nextflow's run name, known from the log's first lines; what comes
        // before it belongs to no job.
        let outcome = LogFollowLoop.run(&parser, tail: tail, send: { e in
            if queue == nil {
                guard e.job != NextflowLogParser.unnamedJob else { return }
                queue = ReportQueue(reporter: Reporter(socket: socketOptions.resolved, job: e.job, who: "pipetop follow", goesOn: "the run is followed on"))
            }
            queue?.send(e)
        }, replaced: { inode != nil && launch.logInode() != inode })
        if outcome == .ended { for e in parser.end() { queue?.send(e) } }
        queue?.finish(within: 5)
        switch outcome {
        case .ended: return
        case .processGone:
            throw CLIError("pipetop follow: Nextflow (pid \(parser.pid ?? 0)) is gone and its log does not say how the run ended; the engine reports the job as lost")
        case .replaced:
            throw CLIError("pipetop follow: a new run replaced the log before it said how the run ended; the job stays as last reported")
        }
    }

    /// Returns when DIR/.nextflow.log holds a run that has not ended.
    private func waitForRun(in launch: NextflowLaunchDirectory) {
        if FileManager.default.fileExists(atPath: launch.log), !launch.logHasEnded() { return }
        let before = launch.logInode()
        EmitCommand.say("pipetop follow: no Nextflow run is going in \(launch.path) (no .nextflow.log, or its run has ended); waiting for the next one")
        while true {
            if let now = launch.logInode(), now != before, !launch.logHasEnded() { return }
            Thread.sleep(forTimeInterval: LogFollowLoop.poll)
        }
    }
}
