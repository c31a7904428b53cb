import Foundation

// The dashboard owns the terminal. Swift's crash backtracer would catch a crash signal before
// our handler can restore the terminal, so for commands that show the dashboard it is turned
// off (unless SWIFT_BACKTRACE is set): the runtime reads it at start-up, hence the one re-exec.
// `CrashGuard` then restores the terminal and says how to get a backtrace.
let headless: Set<String> = ["daemon", "emit", "run", "resume", "report", "history", "status", "alerts", "ack", "silence", "export", "replay", "bridge", "demo-worker", "help", "--help", "-h", "--version"]
if ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil,
   CommandLine.arguments.count < 2 || !headless.contains(CommandLine.arguments[1]) {
    setenv("SWIFT_BACKTRACE", "enable=no", 1)
    var cargs = CommandLine.arguments.map { strdup($0) } + [nil]
    // The binary's own path, so that ps, top and pgrep name the process `pipetop` (exec through
    // /proc/self/exe names it `exe`); that link itself only when the file is gone (rebuilt).
    execv(OwnExecutable.path ?? "/proc/self/exe", &cargs)
    // execv only returns on failure: carry on with the backtracer on.
}
// Whatever the exec went through, the process is called pipetop (the main thread's name; the
// threads started later take it too).
if let comm = FileHandle(forWritingAtPath: "/proc/self/comm") {
    comm.write(Data("pipetop".utf8))
    try? comm.close()
}

// A parent may hand us blocked or ignored signals (test runners and some supervisors do).
// The dashboard depends on SIGWINCH (resize) and on the stop signals: start from a clean mask.
var unblock = sigset_t()
sigemptyset(&unblock)
for sig in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGCHLD] { sigaddset(&unblock, sig) }
pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
signal(SIGWINCH, SIG_DFL)

// The sampler keeps /proc files open per tracked process: allow as many as the system does.
var limit = rlimit()
if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur < limit.rlim_max {
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

Pipetop.main()
