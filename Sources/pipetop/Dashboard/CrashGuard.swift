import Foundation
import PipetopEngine
import PipetopUI
import CNCurses
#if canImport(Glibc)
import Glibc
#endif

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
