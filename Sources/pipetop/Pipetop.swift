import ArgumentParser
import Foundation
import PipetopEngine
import PipetopSpool
import PipetopStore

struct Pipetop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipetop",
        abstract: "top for pipelines: watch batch jobs phase by phase while they run.",
        discussion: """
        With no subcommand, pipetop shows the dashboard: it attaches to the engine listening on the socket, or starts one in this process when none is there.

        Examples:
          pipetop                       # dashboard (starts an engine if needed)
          pipetop demo                  # dashboard on a built-in simulated workload
          pipetop daemon                # the engine alone, for a tmux pane or systemd
          pipetop emit job.start --job j1 name=import phases='["fetch","load"]'
          pipetop emit progress --job j1 --phase fetch done=120 total=1000
          pipetop run -- ./import.sh    # any command as a job, unchanged
          pipetop config check          # every problem in config.toml, with its line
        """,
        version: pipetopVersion,
        subcommands: [DashboardCommand.self, DaemonCommand.self, TokenCommand.self, ConfigCommand.self, EmitCommand.self, RunCommand.self, ResumeCommand.self, ReportCommand.self, HistoryCommand.self, StatusCommand.self, AlertsCommand.self, AckCommand.self, SilenceCommand.self, AttachCommand.self, ExportCommand.self, ReplayCommand.self, FollowCommand.self, BridgeCommand.self, DemoCommand.self, DemoWorkerCommand.self],
        defaultSubcommand: DashboardCommand.self
    )

    /// `pipetop WORD` with a WORD that is no command is an error naming it: the parser would
    /// hand the word to the default command (the dashboard) and print only its usage.
    static func main() {
        if let word = CommandLine.arguments.dropFirst().first, let error = unknownCommand(word) {
            SafeWrite.stderr(TerminalSafe.text("Error: \(error)\n"))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        Self.main(nil)
    }

    /// Why `word`, as the first argument, is no command (nil: it is one, or an option).
    static func unknownCommand(_ word: String) -> String? {
        guard !word.hasPrefix("-"), word != "help" else { return nil }
        var shown: [String] = []
        for command in configuration.subcommands {
            let name = command._commandName
            if name == word { return nil }
            if command.configuration.shouldDisplay { shown.append(name) }
        }
        return "there is no command '\(word)'; the commands are \(shown.joined(separator: ", ")) (`pipetop help COMMAND` says what one does)"
    }
}

/// Options of the engine itself, for the commands that run one.
struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite file that keeps the engine's history; :memory: keeps nothing. Default: $PIPETOP_DB, else $XDG_STATE_HOME/pipetop/pipetop.db (else ~/.local/state/pipetop/pipetop.db); the demo keeps nothing unless given one.",
        valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Days of events the database keeps (0: forever).", valueName: "days"))
    var keepDays: Double = 30

    @Option(name: .long, help: ArgumentHelp("Size the database is pruned to, in MB, oldest events first (0: no cap).", valueName: "MB"))
    var maxDbMB: Int = 512

    /// The engine, with its history from the database (restart recovery) unless :memory:, and
    /// the events spooled for its socket (`spoolDrain`) applied. The database is locked for
    /// this process first: nothing is written to one another engine owns.
    func makeEngine(keepByDefault: Bool = true, socket: String? = nil, spoolDrain: SpoolDrain? = nil) throws -> Engine {
        let env = ProcessInfo.processInfo.environment["PIPETOP_DB"].flatMap { $0.isEmpty ? nil : $0 }
        guard let path = db ?? (keepByDefault ? env ?? Store.defaultPath() : nil), path != ":memory:" else {
            let engine = Engine()
            spoolDrain?.drain(into: engine)
            return engine
        }
        do {
            try DatabaseLock.acquire(path, socket: socket)
        } catch let f as StoreFailure {
            throw CLIError("pipetop: the database \(f)")
        } catch {
            throw CLIError("pipetop: \(error)")
        }
        do {
            return try Engine(store: try Store(path: path), keepDays: keepDays > 0 ? keepDays : nil,
                              maxBytes: maxDbMB > 0 ? maxDbMB << 20 : nil, spoolDrain: spoolDrain)
        } catch {
            if let f = error as? StoreFailure { throw CLIError("pipetop: the database \(f)") }
            throw CLIError("pipetop: cannot use the database \(path): \(ErrorText.sentence(error))")
        }
    }

    @Option(name: .customLong("allow-group"), help: ArgumentHelp(
        "Let the members of this group use the engine too (config: [engine] allow_group). Default: only its own user (and root).",
        discussion: "The socket becomes 0660 and its default directory 0750, both with that group; the database stays 0600.",
        valueName: "group"))
    var allowGroup: String?

    @Option(name: .long, help: ArgumentHelp("Seconds between /proc samples of the host and the jobs' process trees; 0 turns sampling off.",
                                            discussion: "The engine's beat (estimates and alert rules, the spool, viewers' frames) follows it, a second apart at most.",
                                            valueName: "seconds"))
    var sampleInterval: Double = 1

    /// The engine and its socket server, with the alert rules and notifications of the config
    /// file. Each problem in the file is said on standard error; the items it names are left
    /// out, the rest applies.
    func makeServer(socketPath: String, keepByDefault: Bool) throws -> EngineServer {
        let (config, problems) = Config.load()
        for p in problems { SafeWrite.stderr("pipetop: config: \(p)\n") }
        // A notify command that cannot run is a warning, not a refusal: its program may come later.
        for p in config.notifyProblems(file: Config.path()) { SafeWrite.stderr("pipetop: config: warning: \(p)\n") }
        let policy: PeerPolicy
        do { policy = try PeerPolicy(allowGroup: allowGroup ?? config.allowGroup) } catch {
            // Name what the user wrote: the flag, or the key of the config file.
            if allowGroup == nil, let group = config.allowGroup {
                let line = config.lines["allow_group"].map { " (line \($0))" } ?? ""
                throw CLIError("pipetop: allow_group in \(Config.path())\(line): there is no group '\(group)'")
            }
            throw CLIError("pipetop: \(ErrorText.sentence(error))")
        }
        // A live engine on this socket refuses us anyway: say so before a database or the
        // spool is touched (the spool is drained only by the engine that will own the socket).
        if SocketPath.probe(socketPath) == .live {
            throw CLIError("pipetop: an engine is already listening on \(socketPath) (attach with `pipetop`, or choose another --socket)")
        }
        let drain = SpoolDrain(spool: Spool(socket: socketPath))
        let engine = try makeEngine(keepByDefault: keepByDefault, socket: socketPath, spoolDrain: drain)
        engine.configureRules(config.alerts.rules, off: config.alerts.off)
        engine.configureServiceLevels(config.alerts.serviceLevels)
        var notifier: Notifier?
        if !config.alerts.notify.isEmpty {
            // What was sent is kept in the engine's database: a restart does not send it again.
            let ledger = engine.journal.map { NotifyLedger(store: $0.store) }
            notifier = Notifier(targets: config.alerts.notify, host: ProcessInfo.processInfo.hostName, ledger: ledger) { [weak engine] target, why in
                engine?.raiseOwnAlert(kind: "notify", severity: .warning, message: "\(target.name): \(why)")
            }
        }
        let server = EngineServer(engine: engine, socketPath: socketPath, sampleInterval: sampleInterval, notifier: notifier, peerPolicy: policy)
        server.spoolDrain = drain
        return server
    }

    func validate() throws {
        guard sampleInterval == 0 || (sampleInterval >= 0.1 && sampleInterval <= 60) else {
            throw ValidationError("--sample-interval must be 0 (off) or between 0.1 and 60 seconds")
        }
    }
}
