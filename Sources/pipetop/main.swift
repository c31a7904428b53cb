import Foundation

// A crash must not leave the terminal held by Swift's interactive backtracer: the runtime
// reads SWIFT_BACKTRACE at start-up, so set it and start again once, before anything else.
if ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil {
    setenv("SWIFT_BACKTRACE", "interactive=no", 1)
    let args = CommandLine.arguments
    var cargs = args.map { strdup($0) } + [nil]
    execv("/proc/self/exe", &cargs)
    // execv only returns on failure: carry on without the setting.
}

Pipetop.main()
