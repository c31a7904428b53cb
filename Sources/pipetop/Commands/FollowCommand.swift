import ArgumentParser

/// `pipetop follow TOOL`: reports a run that was started without pipetop, from its logs.
struct FollowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Report a workflow run already going, from the tool's own log (no flag needed in the run).",
        subcommands: [FollowSnakemakeCommand.self, FollowNextflowCommand.self]
    )
}
