import Foundation
import PipetopEngine
import PipetopUI
import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// Puts the dashboard on the terminal and gives the terminal back, whatever happens:
/// on `q`, on Ctrl-C/SIGTERM/SIGHUP (watched as events) and on a crash signal (restored
/// from the handler, then the default action runs).
enum DashboardRunner {
    static func run(source: SnapshotSource, display options: DisplayOptions) throws {
        setlocale(LC_ALL, "")
        let (config, configProblems) = Config.load()
        let display = options.effective(config)
        let glyphs: Glyphs = (display.ascii || !localeIsUTF8()) ? .ascii : .utf8
        let depth: ColorDepth?
        switch display.color {
        case "auto": depth = nil
        case "truecolor": depth = .truecolor
        case "256": depth = .c256
        case "8": depth = .c8
        default: depth = ColorDepth.none
        }
        CrashGuard.install()
        // Watch the stop signals before curses starts: ncurses then leaves them to us, and no
        // Ctrl-C in between is lost.
        let stopper = StopSignal()
        SignalWatch.on([SIGINT, SIGTERM, SIGHUP]) { _, _ in stopper.set() }
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal(depth: depth, asciiOnly: glyphs.tier == .ascii)
        } catch {
            CrashGuard.uninstall()
            throw CLIError("pipetop: \(ErrorText.sentence(error))")
        }
        let (chosen, themeProblem) = ThemeChoice.resolve(display.theme)
        let problem = [Config.summary(configProblems), themeProblem].compactMap { $0 }.first
        // Without colours only attributes tell states apart: the monochrome theme is made for that.
        let theme: Theme = terminal.depth == .none ? .monochrome : chosen
        let dashboard = Dashboard(source: source, glyphs: glyphs, theme: theme, maxFPS: display.fps, notice: problem, user: userAtHost(),
                                  bell: config.alerts.bell && !options.noBell, stopper: stopper)
        dashboard.run(on: terminal)
        terminal.shutdown()
        CrashGuard.uninstall()
    }
}

/// Restores the terminal when the process is killed by a crash signal (SIGSEGV, SIGBUS,
/// SIGILL, SIGFPE, SIGABRT, SIGTRAP), then lets the signal's previous handler (or the default
/// action) run. SIGKILL cannot be caught: after `kill -9` of the dashboard, `reset` (or
/// `stty sane`) gives the terminal back.
enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS] + endingSignals
    /// Not crashes, but their default action ends the process too (Ctrl-\ sends SIGQUIT; a stray
    /// `kill -USR1` or an alarm): the terminal is given back the same way, then the default
    /// action runs. SIGINT, SIGTERM and SIGHUP quit cleanly instead (`SignalWatch`); SIGPIPE
    /// stays ignored (sockets report EPIPE); glibc's own real-time signals are left alone.
    static let endingSignals: [Int32] = [SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
                                         SIGIO, SIGPWR, SIGSTKFLT]
    /// The actions before ours, by signal number (a plain array: read from the handler).
    nonisolated(unsafe) static var previous: [Glibc.sigaction] = Array(repeating: Glibc.sigaction(), count: 65)
    nonisolated(unsafe) static var installed = [Bool](repeating: false, count: 65)
    static let note: StaticString = "\npipetop crashed; the terminal was restored. Run with SWIFT_BACKTRACE=enable=yes for a backtrace.\n"
    static let endNote: StaticString = "\npipetop was ended by a signal; the terminal was restored.\n"

    static func install() {
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                // Only async-signal-safe calls from here on: write(2) and tcsetattr(3) with
                // what was prepared when curses started (not endwin, which may find curses
                // half-way through a frame), sigaction, raise.
                TerminalRescue.restore()
                let crash = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT || sig == SIGTRAP || sig == SIGSYS
                let note = crash ? CrashGuard.note : CrashGuard.endNote
                _ = write(2, note.utf8Start, note.utf8CodeUnitCount)
                let i = Int(sig)
                if i > 0 && i < 65 && CrashGuard.installed[i] {
                    sigaction(sig, &CrashGuard.previous[i], nil)
                } else {
                    signal(sig, SIG_DFL)
                }
                // Blocked while this handler runs: the previous action comes as it returns (a
                // fault re-executes its instruction and faults again).
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(truncatingIfNeeded: SA_RESETHAND))
            var old = sigaction()
            sigaction(sig, &action, &old)
            previous[Int(sig)] = old
            installed[Int(sig)] = true
        }
    }

    static func uninstall() {
        for sig in signals where installed[Int(sig)] {
            sigaction(sig, &previous[Int(sig)], nil)
            installed[Int(sig)] = false
        }
    }
}

/// Finds the theme `--theme` names; on any problem, the default theme and what went wrong.
enum ThemeChoice {
    static func resolve(_ spec: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> (Theme, String?) {
        if let t = Theme.builtIn.first(where: { $0.name == spec }) { return (t, nil) }
        var path = spec
        if !spec.contains("/") && !spec.hasSuffix(".theme") {
            let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
            path = "\(config)/pipetop/themes/\(spec).theme"
            if !FileManager.default.fileExists(atPath: path) {
                let names = Theme.builtIn.map(\.name).joined(separator: ", ")
                return (.defaultDark, "theme '\(spec)' not found (built in: \(names); or put \(path)); using default")
            }
        }
        do {
            return (try ThemeFile.load(path: path), nil)
        } catch {
            return (.defaultDark, "\(error); using the default theme")
        }
    }
}

/// Who acknowledges alerts from this dashboard: `user@host`.
func userAtHost() -> String {
    let user = getpwuid(getuid()).flatMap { String(validatingCString: $0.pointee.pw_name) }
        ?? ProcessInfo.processInfo.environment["USER"] ?? "uid\(getuid())"
    return "\(user)@\(ProcessInfo.processInfo.hostName)"
}
