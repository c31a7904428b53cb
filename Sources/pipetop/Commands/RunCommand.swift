import ArgumentParser
import Foundation
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
        The command's process tree is sampled (CPU, memory, I/O), and the job ends completed or failed from its exit status; pipetop's exit status is the command's. SIGINT, SIGTERM and SIGHUP sent to pipetop are passed on. The command gets PIPETOP_SOCKET and PIPETOP_JOB, so a pipetop client inside it reports into the same job. Without an engine the command still runs (pipetop warns once).

        --progress-from reads progress from the command's output (the lines still pass through): "PIPETOP {json event}" lines, tqdm bars, "N/M" counts and "NN%".

        Examples:
          pipetop run -- ./import.sh
          pipetop run --name nightly --phases fetch,load -- make -j4 all
          pipetop run --progress-from stderr -- python train.py
          pipetop run --log /tmp/etl.log -- ./etl.sh
        """)

    @Option(name: .long, help: "The job's name (default: the command's name).")
    var name: String?

    @Option(name: .long, help: "The job's id (default: NAME-PID).")
    var job: String?

    @Option(name: .long, help: ArgumentHelp("The job's phases, comma-separated; the first starts with the command.", valueName: "a,b,c"))
    var phases: String?

    @Option(name: .long, help: ArgumentHelp("Write the command's stdout and stderr to this file instead of the terminal.", valueName: "file"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp("Read progress from the command's stdout or stderr.", valueName: "stdout|stderr"))
    var progressFrom: String?

    @OptionGroup var socketOptions: SocketOptions

    @Argument(parsing: .postTerminator, help: "The command and its arguments (after --).")
    var command: [String] = []

    func validate() throws {
        if command.first == "--" { return }
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. pipetop run -- ./import.sh") }
        if let p = progressFrom, p != "stdout" && p != "stderr" { throw ValidationError("--progress-from takes stdout or stderr") }
    }

    func run() throws {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw ValidationError("give the command after --") }
        // First of all: from here on a SIGINT/SIGTERM/SIGHUP is kept for the command.
        let forwarder = SignalForwarder.install()
        let jobName = name ?? (argv[0] as NSString).lastPathComponent
        let jobID = job ?? "\(jobName)-\(getpid())"
        let phaseList = phases?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? []
        let socket = socketOptions.resolved
        let reporter = Reporter(socket: socket, job: jobID)

        let logFD: Int32? = try log.map { path in
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CLIError("pipetop run: cannot open --log \(path): \(String(cString: strerror(errno)))") }
            return fd
        }
        let watched: Int32? = progressFrom == "stdout" ? 1 : progressFrom == "stderr" ? 2 : nil
        var pipeFDs: [Int32] = [-1, -1]
        // Close-on-exec: the command must not hold the read end (it would never see SIGPIPE).
        if watched != nil { makePipe(&pipeFDs, nonBlockingWrite: false) }
        // A closed reader of our own output (| head) must not kill pipetop before job.end;
        // the command gets SIGPIPE's default back through posix_spawn.
        signal(SIGPIPE, SIG_IGN)

        let env = ProcessInfo.processInfo.environment.merging(["PIPETOP_SOCKET": socket, "PIPETOP_JOB": jobID]) { _, n in n }
        // The job exists before the command runs, so its own first events are never refused.
        let start = Event.JobStart(name: jobName, phases: phaseList.map { .init(id: $0) }, labels: ["command": argv.joined(separator: " ")])
        reporter.send(Event(job: jobID, .jobStart(start)))
        let firstPhase = phaseList.first ?? "run"
        reporter.send(Event(job: jobID, .phaseStart(.init(phase: firstPhase))))
        reporter.sync()
        let child = try Self.spawn(argv, env: env, logFD: logFD, watched: watched, pipeWrite: pipeFDs[1])
        if watched != nil { close(pipeFDs[1]) }
        forwarder.forward(to: child)
        var withPid = start
        withPid.pid = child
        reporter.send(Event(job: jobID, .jobStart(withPid)))  // resumes the job with its pid
        reporter.preamble = [Event(job: jobID, .jobStart(withPid)), Event(job: jobID, .phaseStart(.init(phase: firstPhase)))]

        var reader: Thread?
        if let stream = watched {
            let out = logFD ?? stream
            let readFD = pipeFDs[0]
            let t = Thread { Self.relay(from: readFD, to: out, reporter: reporter, phase: firstPhase) }
            t.start()
            reader = t
        }

        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        // Output still open in a background grandchild must not hold the job open: wait a
        // moment for the last lines, then end the job.
        let relayDeadline = Date().addingTimeInterval(1)
        while let r = reader, !r.isFinished, Date() < relayDeadline { Thread.sleep(forTimeInterval: 0.01) }

        let code: Int32
        let end: Event.JobEnd
        if (status & 0x7f) == 0 {
            code = (status >> 8) & 0xff
            end = code == 0 ? .init(status: .completed) : .init(status: .failed, error: "exit status \(code)")
        } else {
            let sig = status & 0x7f
            code = 128 + sig
            let name = String(cString: strsignal(sig))
            end = .init(status: sig == SIGINT || sig == SIGTERM ? .canceled : .failed, error: "killed by signal \(sig) (\(name))")
        }
        reporter.send(Event(job: jobID, .jobEnd(end)))
        reporter.finish()
        if code != 0 { throw ExitCode(code) }
    }

    /// Starts the command with default signal handling and an empty signal mask, its output
    /// to the terminal, the log file, or (for the watched stream) our pipe.
    static func spawn(_ argv: [String], env: [String: String], logFD: Int32?, watched: Int32?, pipeWrite: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for stream: Int32 in [1, 2] {
            if stream == watched { posix_spawn_file_actions_adddup2(&actions, pipeWrite, stream) }
            else if let l = logFD { posix_spawn_file_actions_adddup2(&actions, l, stream) }
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cargv = argv.map { strdup($0) } + [nil]
        let cenv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cargv + cenv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, cargv, cenv)
        guard rc == 0 else { throw CLIError("pipetop run: cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Writes all `n` bytes, through short writes and interruptions.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ n: Int) {
        var off = 0
        while off < n {
            let w = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, n - off) }
            if w < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return  // the reader went away: the command's output has nowhere to go
            }
            off += w
        }
    }

    /// Passes the watched stream through line by line, reporting the progress it finds.
    static func relay(from fd: Int32, to out: Int32, reporter: Reporter, phase: String) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pending: [UInt8] = []
        var lastPercentTotal: Int? = nil
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            writeAll(out, buffer, n)
            pending.append(contentsOf: buffer[0..<n])
            while let nl = pending.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                guard let found = ProgressParser.parse(line) else { continue }
                switch found {
                case .event(let json): reporter.sendRaw(json)
                case .counts(let done, let total):
                    reporter.send(Event(job: reporter.job, .progress(.init(phase: phase, done: done, total: total))))
                case .percent(let p):
                    if lastPercentTotal == nil { lastPercentTotal = 100 }
                    reporter.send(Event(job: reporter.job, .progress(.init(phase: phase, done: Int(p.rounded(.down)), total: 100))))
                }
            }
            if pending.count > 1 << 20 { pending.removeAll() }  // a line without end: do not grow without bound
        }
        close(fd)
    }
}
