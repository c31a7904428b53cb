import ArgumentParser
import Foundation

struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List every problem in the config file, with its line; exit 1 if there is any.",
        discussion: """
        A bad line or item (a misspelt key, an unknown metric in one rule) leaves out that item only; everything else in the file applies. `pipetop daemon` and the dashboard say the same problems when they start. It also checks what they would find only when they use a setting: that the theme exists and can be read, that the group of [engine] allow_group exists (the daemon refuses to start without it), that the socket path fits a Unix socket, that the program of each command [[notify]] is on PATH and executable (else every notification to it fails; the daemon warns at start).

        Examples:
          pipetop config check
          pipetop config check --config ./config.toml
        """)

    @Option(name: .long, help: ArgumentHelp("The file to check. Default: $XDG_CONFIG_HOME/pipetop/config.toml (else ~/.config/pipetop/config.toml).", valueName: "path"))
    var config: String?

    func run() throws {
        let path = config ?? Config.path()
        if config != nil, access(path, F_OK) != 0 {
            throw CLIError("pipetop config check: \(path) does not exist")
        }
        let (c, lineProblems) = Config.load(path: path)
        // What the daemon and the dashboard would refuse or ignore when they use a setting.
        let problems = (lineProblems + c.startProblems(file: path)).sorted { ($0.line ?? 0) < ($1.line ?? 0) }
        for p in problems { print(p) }
        guard problems.isEmpty else {
            let count = "\(problems.count) problem\(problems.count == 1 ? "" : "s")"
            print(problems.allSatisfy(\.leftOut) ? "\(count); the items named are left out, the rest applies"
                  : "\(count); each says what becomes of its item, the rest applies")
            throw ExitCode(1)
        }
        let exists = access(path, F_OK) == 0
        let slas = c.alerts.serviceLevels.count
        print("ok: \(c.alerts.rules.count) rule\(c.alerts.rules.count == 1 ? "" : "s"), \(c.alerts.notify.count) notifier\(c.alerts.notify.count == 1 ? "" : "s")"
              + (slas > 0 ? ", \(slas) sla\(slas == 1 ? "" : "s")" : "")
              + (exists ? " (\(path))" : " (no file at \(path): the defaults apply)"))
    }
}
