import ArgumentParser
import Foundation
import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

/// `pipetop follow snakemake [DIR]`: tails the newest `.snakemake/log/*.snakemake.log` of a
/// run going in DIR and reports it as the logger plugin would (the same job id), through the
/// same never-failing delivery as `pipetop run` (queue, reconnects, spool).
struct FollowSnakemakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snakemake",
        abstract: "Follow a Snakemake run in DIR (default: here) from its log, until it ends.",
        discussion: """
        Reads DIR/.snakemake/log/*.snakemake.log (Snakemake 7 to 9), the newest run that has not ended; with none, waits for the next run to start. Rules become phases (in the order of Snakemake's job stats), jobs become steps named by their wildcards, failed jobs carry their log files' last lines, and the job ends as the log says (completed, failed with never-run jobs left as work not done, or canceled). The Snakemake process running in DIR is sampled and watched. The log does not show a job's own start time to the second or its resources; see docs/INTEGRATIONS.md.
        """
    )

    @Argument(help: "The workflow's working directory.")
    var dir: String = "."

    @Option(name: .long, help: ArgumentHelp("The job's name (default: DIR's name).", valueName: "name"))
    var name: String?

    @OptionGroup var socketOptions: SocketOptions

    func run() throws {
        let run = try SnakemakeRunDirectory(dir)
        let log = waitForRun(in: run)
        let jobName = name ?? (run.path as NSString).lastPathComponent
        var parser = SnakemakeLogParser(job: run.jobID, name: jobName,
                                        labels: ["pipeline": jobName, "tool": "snakemake", "workdir": run.path],
                                        logLines: { run.lastLines(of: $0) })
        parser.pid = run.snakemakePid()
        if let t = SnakemakeRunDirectory.startTime(of: log) { parser.now = t }
        let tail = try FileLineTail(path: log)
        let queue = ReportQueue(reporter: Reporter(socket: socketOptions.resolved, job: run.jobID, who: "pipetop follow", goesOn: "the run is followed on"))
        EmitCommand.say("pipetop follow: following \(log) as \(jobName)" + (parser.pid.map { " (Snakemake pid \($0))" } ?? ""))

        let outcome = LogFollowLoop.run(&parser, tail: tail, send: queue.send)
        if outcome == .ended { for e in parser.end() { queue.send(e) } }
        queue.finish(within: 5)
        guard outcome == .ended else {
            throw CLIError("pipetop follow: Snakemake (pid \(parser.pid ?? 0)) is gone and its log does not say how the run ended; the engine reports the job as lost")
        }
    }

    /// The newest log of a run that has not ended; else waits for a new log to appear.
    private func waitForRun(in run: SnakemakeRunDirectory) -> String {
        let before = run.logs()
        if let newest = before.last, !SnakemakeRunDirectory.hasEnded(newest) { return newest }
        EmitCommand.say("pipetop follow: no Snakemake run is going in \(run.path) (its newest log has ended, or there is none in .snakemake/log); waiting for the next one")
        while true {
            if let fresh = run.logs().last(where: { !before.contains($0) }) { return fresh }
            Thread.sleep(forTimeInterval: LogFollowLoop.poll)
        }
    }
}
