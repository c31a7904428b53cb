import ArgumentParser
import Foundation

/// `pipetop config check`: reads the config file as the engine and the dashboard would and
/// lists every problem with its line.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the config file.",
        subcommands: [ConfigCheckCommand.self])
}
