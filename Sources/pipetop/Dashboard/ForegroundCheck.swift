import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A full-screen program started with `&` is stopped by the kernel at its first write to the
/// terminal (SIGTTOU), and an engine running inside it stops with it: every `pipetop emit` then
/// waits on a frozen engine. Said at once instead, with what to type.
enum ForegroundCheck {
    static func problem() -> String? {
        guard isatty(0) == 1 else { return nil }  // no terminal: the terminal check says so
        let foreground = tcgetpgrp(0)
        guard foreground >= 0, foreground != getpgrp() else { return nil }
        return """
            pipetop: the dashboard needs the terminal, but it was started in the background (with &). \
            For an engine in the background, run `pipetop daemon &`; then run `pipetop` in the foreground \
            (or in another terminal or tmux pane) to watch.
            """
    }
}
