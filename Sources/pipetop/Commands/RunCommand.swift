import ArgumentParser
import Foundation
import PipetopEngine
import PipetopClient
import PipetopCore
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command as a pipetop job, with no change to the command.",
        discussion: """
        The command's process tree is sampled (CPU, memory, I/O), and only it: never pipetop itself. At its end its own rusage and /proc/PID/io make the job's totals complete; its rusage's peak memory counts only when above pipetop's own (a command started by pipetop inherits that figure in its rusage, so below it the peak is the sampler's). The job ends completed or failed from its exit status, canceled when a SIGINT or SIGTERM sent to pipetop (Ctrl-C, kill) ended the command or it then exited 130 or 143 (a script that caught it and cleaned up; an exit 130 nobody asked for fails); pipetop's exit status is the command's. SIGINT, SIGTERM and SIGHUP sent to pipetop are passed on. The command gets PIPETOP_SOCKET and PIPETOP_JOB, so a pipetop client inside it reports into the same job. Without an engine the command still runs (pipetop warns once).

        A command that cannot start ends its job as failed with the reason, and pipetop exits as a shell would: 127 when it is not found, 126 when it cannot be executed (a directory, no exec permission).

        The command's stdout and stderr pass through pipetop unchanged, byte for byte, to where they would have gone (the terminal, the --log file, a pipe). pipetop sends their lines to the job's log as they are printed, each with the time it was read (at most once a second; of a flood only the newest 100 lines, at most 64 KiB, with a line saying how many were left out; the rest at the command's end), each line at the level it says (info, as most tools write ordinary progress to stderr; error for a line that starts with Error, error, FATAL or Traceback, holds ERROR, FATAL or CRITICAL as a word, "error:", or an exception name such as "ValueError:", and for a traceback's indented lines; warn likewise for Warning, WARNING, WARN, "warning:" and names such as "UserWarning:"); a failed job's reason quotes the last line of stderr, then the one before it, e.g. a traceback's exception and the line that raised it. A stream that goes to a terminal reaches the command through a pseudo-terminal of the same size (resizes are passed on), so the command still sees a terminal: colours and line buffering are as without pipetop. Consequence: stdout and stderr are two terminals (each isatty), the pty is not the command's controlling terminal (keys, Ctrl-C and job control stay with the real one), and a program that changes the terminal's settings through stdout changes the pty's; full-screen programs belong outside pipetop run. Other streams (files, pipes, --log) reach it through a pipe. When pipetop's own output is closed (| head -1), pipetop stops reading, and the command gets SIGPIPE as it would without pipetop. Output written after the command ended, by a background process it left, is not passed on once pipetop has exited; if pipetop itself is killed with SIGKILL, the command's next write fails (SIGPIPE) as it would with any reader gone. stdout and stderr are relayed separately: lines written to both within the same instant may reach a shared destination in the other order.

        Progress is read from both streams by default, in the formats that cannot be mistaken: tqdm and enlighten bars, rich's and alive-progress's bars (drawn only on a terminal: see --pty), GNU parallel's --bar and --eta, rsync's --info=progress2 (to-chk=R/T is T-R files done), pv -n (bare percentages on stderr, read only when the command line runs pv -n), dd status=progress (bytes copied, no total), and a counter alone on its line ("3/10", "[3/10]", "Epoch 3/10"); GNU make's --trace makes each target a step (failed with make's "Error N"), and parallel's --joblog FILE each finished job a step (failed on a non-zero exit). Once a tool's own format has been seen, counters no longer move the bar (a date such as 12/31 on its own line). Escape sequences are taken out first. Reading changes nothing the command sees, and a fast command is not slowed: bytes are passed on as read; of many lines only the last few with a mark of progress are parsed (marks found with memrchr, at most 64 a read), at most 20 times a second; a line longer than 64 KiB (binary output) is passed over unread. --no-progress reads none.

        --progress-from stdout|stderr reads only that stream, and also prose counts ("processed 120/1000 files", "42%") and PIPETOP event lines; it sets PYTHONUNBUFFERED=1 for the command (unless set), so a Python script's lines arrive as printed, not at its exit. A line that starts with "PIPETOP " followed by a JSON event is an event about this job: only progress, phase.start, phase.end, step, log, metric and checkpoint, with no "job" field or this job's; any other such line is ignored (said once on stderr), so a command's output can never silence, acknowledge or end anything, nor touch another job. With --phases a,b,c, a "PIPETOP {\"type\":\"phase.start\",\"phase\":\"b\"}" line ends a as done and moves on to b; after a phase.end, progress goes to the next declared phase not yet ended. Phases the command never reached are skipped when it succeeds and stay pending when it fails. Without --phases the command runs in a phase "run"; when the command reports phases of its own (PIPETOP lines, or a client using PIPETOP_JOB), an empty "run" is removed.

        --pty gives the command a pseudo-terminal for stdout and stderr even when pipetop's output is a file or a pipe, for tools that draw only on terminals (rich, enlighten, alive-progress). Its size is $COLUMNS x $LINES, else 80x24. The pty's output processing is off (no \\n to \\r\\n, no tab expansion), so the destination gets exactly the bytes the command wrote, escape sequences included; queries a program sends to the terminal (a cursor position request) get no answer.

        Examples:
          pipetop run -- ./import.sh
          pipetop run --name nightly --phases fetch,load -- make -j4 all
          pipetop run -- python train.py                     # a tqdm bar, no flag
          pipetop run -- rsync -a --info=progress2 src/ dst/
          pipetop run -- parallel --bar --joblog jobs.tsv ./convert {} ::: *.raw
          pipetop run --pty --log t.log -- python train.py   # rich draws into t.log
          pipetop run --progress-from stdout -- ./etl.sh     # "processed 120/1000"
          pipetop run --log /tmp/etl.log -- ./etl.sh
        """)

    @Option(name: .long, help: "The job's name (default: the command's name).")
    var name: String?

    @Option(name: [.customLong("id"), .customLong("job")],
            help: "The job's id (default: the name, so each run is the next run of one job; NAME-PID while another `pipetop run` of that name is still going).")
    var job: String?

    @Option(name: .long, help: ArgumentHelp("The job's phases, comma-separated; the first starts with the command, the next ones when the command says so (see below).", valueName: "a,b,c"))
    var phases: String?

    @Option(name: .long, help: ArgumentHelp("Write the command's stdout and stderr to this file instead of the terminal.", valueName: "file"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp("Read progress from this stream only, prose counts (N/M, NN%) and PIPETOP event lines too.", valueName: "stdout|stderr"))
    var progressFrom: String?

    @Flag(name: .long, help: "Read no progress from the command's output.")
    var noProgress = false

    @Flag(name: .long, help: "Give the command a pseudo-terminal even when pipetop's output is a file or a pipe (for bars drawn only on terminals).")
    var pty = false

    @OptionGroup var socketOptions: SocketOptions

    @Argument(parsing: .postTerminator, help: "The command and its arguments (after --).")
    var command: [String] = []

    func validate() throws {
        if command.first == "--" { return }
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. pipetop run -- ./import.sh") }
        if let p = progressFrom, p != "stdout" && p != "stderr" { throw ValidationError("--progress-from takes stdout or stderr") }
        if noProgress && progressFrom != nil { throw ValidationError("--no-progress and --progress-from cannot be given together: --progress-from says where to read progress, --no-progress not to read any") }
    }

    func run() throws {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw ValidationError("give the command after --") }
        // First of all: from here on a SIGINT/SIGTERM/SIGHUP is kept for the command.
        let forwarder = SignalForwarder.install()
        let jobName = name ?? (argv[0] as NSString).lastPathComponent
        let phaseList = phases?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
        let socket = socketOptions.resolved
        let identity = job == nil ? RunIdentity.claim(name: jobName, socket: socket) : nil
        let jobID = job ?? identity!.id

        let logFD: Int32? = try log.map { path in
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CLIError("pipetop run: cannot open --log \(path): \(String(cString: strerror(errno)))") }
            return fd
        }
        // A closed reader of our own output (| head) must not kill pipetop before job.end;
        // the relay then closes its end, and the command gets SIGPIPE as without pipetop.
        signal(SIGPIPE, SIG_IGN)
        let captures = [Int32(1), 2].map { CapturedStream.make(stream: $0, destination: logFD ?? $0, pty: pty) }
        let windows = WindowSizeFollower(captures)

        let queue = ReportQueue(reporter: Reporter(socket: socket, job: jobID))
        var env = ProcessInfo.processInfo.environment.merging(["PIPETOP_SOCKET": socket, "PIPETOP_JOB": jobID]) { _, n in n }
        // Python buffers its output in a pipe and would deliver all its progress at exit: when
        // progress is read from the output, unbuffered (unless the person set it).
        if progressFrom != nil && env["PYTHONUNBUFFERED"] == nil { env["PYTHONUNBUFFERED"] = "1" }
        // The job exists before the command runs, so its own first events are never refused.
        // `"pid": null` until the command has one: else the engine would sample the sender,
        // pipetop itself, and take its memory for the command's.
        var start = Event.JobStart(name: jobName, phases: phaseList.map { .init(id: $0) }, labels: ["command": argv.joined(separator: " ")])
        start.unwatched = true
        queue.send(Event(job: jobID, .jobStart(start)))
        // The first declared phase starts with the command; without --phases the implicit
        // phase `run`, which gives way to phases the command reports itself (see PhaseCursor).
        let firstPhase = [PhaseCursor.firstPhase(declared: phaseList, job: jobID)]
        for e in firstPhase { queue.send(e) }
        queue.sync(within: 1)  // bounded: a stalled engine must not hold the command back

        let hints = CommandHints(argv: argv, env: env)
        let reader = noProgress ? nil : ProgressReader(job: jobID, phases: phaseList, queue: queue, hints: hints)
        // parallel's joblog is followed from before the command starts (see JoblogFollower).
        let joblog: JoblogFollower? = reader.flatMap { r in hints.joblog.map { JoblogFollower(path: $0.path, appends: $0.appends, reader: r) } }
        let child: pid_t
        do {
            child = try CommandLauncher.spawn(argv, env: env, streams: Dictionary(uniqueKeysWithValues: captures.map { ($0.stream, $0.childFD) }))
        } catch {
            // As a shell says it, and the job ends with the reason instead of waiting for ever.
            SafeWrite.stderr("pipetop run: \(error.message)\n")
            joblog?.finish()
            queue.send(Event(job: jobID, .jobEnd(.init(status: .failed, error: error.message))))
            queue.finish(within: 5)
            throw ExitCode(error.exitCode)
        }
        // Read once the command has exec'd (posix_spawn returns after it): what it inherited.
        let inheritedRSS = OwnPeakMemory.read()
        for c in captures { c.commandStarted() }
        forwarder.forward(to: child)
        windows.follow(child)
        var withPid = start
        withPid.pid = child
        queue.send(Event(job: jobID, .jobStart(withPid)))  // resumes the job with its pid
        queue.setPreamble([Event(job: jobID, .jobStart(withPid))] + firstPhase)

        let tail = OutputTail()
        let live = LiveLog(tail: tail, queue: queue, job: jobID)
        let relays = captures.map { c in
            let r = reading(c.stream, hints: hints)
            return OutputRelay(c, tail: tail, progress: r == nil ? nil : reader, reading: r ?? .detected)
        }

        let exit = ChildExit.wait(for: child, inheritedRSS: inheritedRSS)
        // Everything the command wrote reaches its reader; output a background grandchild
        // holds open must not hold the job open for long (see OutputRelay.drain).
        for r in relays { r.drain() }
        joblog?.finish()

        live.finish()
        let ending = JobEnding(status: exit.status, lastErrorLines: tail.lastErrorLines(JobEnding.quotedLines), totals: exit.totals,
                                userStop: forwarder.userStop)
        queue.send(Event(job: jobID, .jobEnd(ending.end)))
        queue.finish(within: 5)
        if ending.exitCode != 0 { throw ExitCode(ending.exitCode) }
    }

    /// What is read from the command's stream (1 or 2), nil for nothing: both streams are read
    /// for the formats of known tools; `--progress-from` reads only the stream it names, and
    /// prose counts and PIPETOP lines too; pv's bare numbers only on stderr.
    func reading(_ stream: Int32, hints: CommandHints) -> ProgressParser.Reading? {
        if noProgress { return nil }
        let chosen: Int32? = progressFrom == "stdout" ? 1 : progressFrom == "stderr" ? 2 : nil
        if let chosen, chosen != stream { return nil }
        return ProgressParser.Reading(chosen: chosen != nil, pv: stream == 2 ? hints.pv : nil)
    }
}
