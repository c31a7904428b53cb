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
            terminal = try NCursesTerminal(depth: depth, asciiOnly: glyphs.tier == .ascii, mouse: !options.noMouse && (config.mouse ?? true))
        } catch {
            CrashGuard.uninstall()
            throw CLIError("pipetop: \(ErrorText.sentence(error))")
        }
        let (chosen, themeProblem) = ThemeChoice.resolve(display.theme)
        let problem = [Config.summary(configProblems + config.notifyProblems(file: Config.path())), themeProblem].compactMap { $0 }.first
        // Without colours only attributes tell states apart: the monochrome theme is made for that.
        let theme: Theme = terminal.depth == .none ? .monochrome : chosen
        let dashboard = Dashboard(source: source, glyphs: glyphs, theme: theme, refresh: display.delay, notice: problem, user: userAtHost(),
                                  bell: config.alerts.bell && !options.noBell, stopper: stopper)
        dashboard.run(on: terminal)
        terminal.shutdown()
        CrashGuard.uninstall()
    }
}
