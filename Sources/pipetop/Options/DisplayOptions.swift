import ArgumentParser
import Foundation
import PipetopEngine
import PipetopSpool
import PipetopStore

/// How the dashboard draws: every command that shows it takes these. Unset options come from
/// the config file (`Config`), then the defaults.
struct DisplayOptions: ParsableArguments {
    @Flag(name: .long, help: "Draw with ASCII only (the default when the locale is not UTF-8).")
    var ascii = false

    @Option(name: .long, help: ArgumentHelp("Colours: auto, truecolor, 256, 8 or none (NO_COLOR also turns them off). Default: auto.", valueName: "depth"))
    var color: String?

    @Option(name: .long, help: ArgumentHelp(
        "Seconds between refreshes, as in htop (0.1 to 10; keys and resizes still act at once). Default: 1.5.",
        discussion: "With the engine in this process (no daemon), a refresh of a second or more falls on the engine's once-a-second beat: 1.5 refreshes after 1 s and 2 s by turns.",
        valueName: "seconds"))
    var delay: Double?

    @Option(name: .long, help: ArgumentHelp("Refreshes per second instead (1 to 60): --fps 10 is --delay 0.1.", valueName: "n"))
    var fps: Double?

    /// Seconds between refreshes when neither flag nor the config file says: htop's 1.5 s.
    static let defaultDelay = 1.5

    @Option(name: .long, help: ArgumentHelp(
        "Colour theme: default, light, high-contrast, mono, a name under $XDG_CONFIG_HOME/pipetop/themes/, or a .theme file.",
        valueName: "name|path"))
    var theme: String?

    @Flag(name: .customLong("no-mouse"), help: "Leave the mouse to the terminal (its own selection without Shift); config: mouse = false.")
    var noMouse = false

    @Flag(name: .customLong("no-bell"), help: "Do not ring the terminal bell on a new critical alert (config: [alerts] bell = false).")
    var noBell = false

    func validate() throws {
        if let color, !["auto", "truecolor", "256", "8", "none"].contains(color) {
            throw ValidationError("--color must be auto, truecolor, 256, 8 or none (got '\(color)')")
        }
        if let fps, !(fps >= 1 && fps <= 60) { throw ValidationError("--fps must be between 1 and 60") }
        if let delay, !(delay >= 0.1 && delay <= 10) { throw ValidationError("--delay must be between 0.1 and 10 seconds (got \(delay.formatted()))") }
        if delay != nil && fps != nil { throw ValidationError("--delay and --fps both set the refresh; give one (--delay 0.1 is --fps 10)") }
        // Every command that shows the dashboard, before it starts an engine of its own: one in
        // a stopped background job would freeze its clients.
        if let problem = ForegroundCheck.problem() { throw CLIError(problem) }
    }

    /// The settings in force: flags, then the config file, then the defaults. `delay` is the
    /// seconds between refreshes (`fps` is its inverse: what the engine is asked for).
    func effective(_ config: Config) -> (ascii: Bool, color: String, delay: Double, fps: Double, theme: String) {
        let delay = delay ?? fps.map { 1 / $0 } ?? config.delay ?? config.fps.map { 1 / $0 } ?? Self.defaultDelay
        return (ascii || (config.ascii ?? false), color ?? config.color ?? "auto", delay, 1 / delay, theme ?? config.theme ?? "default")
    }
}
