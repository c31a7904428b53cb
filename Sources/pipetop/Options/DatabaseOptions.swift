import ArgumentParser
import Foundation
import PipetopEngine
import PipetopSpool
import PipetopStore

/// The database a command reads when no engine runs (report, history, resume, export).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database to read (default: $PIPETOP_DB, else as for the engine).", valueName: "path"))
    var db: String?

    var path: String {
        db ?? ProcessInfo.processInfo.environment["PIPETOP_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? Store.defaultPath()
    }
}
