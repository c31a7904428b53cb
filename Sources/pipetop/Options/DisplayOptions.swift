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

    @Option(name: .long, help: ArgumentHelp("Most redraws per second while data changes. Default: 10.", valueName: "n"))
    var fps: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Colour theme: default, light, high-contrast, mono, a name under $XDG_CONFIG_HOME/pipetop/themes/, or a .theme file.",
        valueName: "name|path"))
    var theme: String?

    @Flag(name: .customLong("no-bell"), help: "Do not ring the terminal bell on a new critical alert (config: [alerts] bell = false).")
    var noBell = false

    func validate() throws {
        if let color, !["auto", "truecolor", "256", "8", "none"].contains(color) {
            throw ValidationError("--color must be auto, truecolor, 256, 8 or none (got '\(color)')")
        }
        if let fps, !(fps >= 1 && fps <= 60) { throw ValidationError("--fps must be between 1 and 60") }
        // Every command that shows the dashboard, before it starts an engine of its own: one in
        // a stopped background job would freeze its clients.
        if let problem = ForegroundCheck.problem() { throw CLIError(problem) }
    }

    /// The settings in force: flags, then the config file, then the defaults.
    func effective(_ config: Config) -> (ascii: Bool, color: String, fps: Double, theme: String) {
        (ascii || (config.ascii ?? false), color ?? config.color ?? "auto", fps ?? config.fps ?? 10, theme ?? config.theme ?? "default")
    }
}
