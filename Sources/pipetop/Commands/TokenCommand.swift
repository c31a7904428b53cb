import ArgumentParser
import PipetopEngine

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print the web API's token (made first when there is none).",
        discussion: """
        `pipetop daemon --http` asks for it beyond loopback (every request) and for acknowledging or silencing from the web: send `Authorization: Bearer TOKEN`. The file is only its owner's (0600); remove it and restart the engine for a new token.

        Examples:
          curl -H "Authorization: Bearer $(pipetop token)" \\
            http://server:8080/api/v1/board
        """)

    @Option(name: .customLong("http-token-file"), help: ArgumentHelp("The token file the engine was given. Default: $XDG_STATE_HOME/pipetop/http-token, else ~/.local/state/pipetop/http-token.", valueName: "path"))
    var httpTokenFile: String?

    func run() throws {
        do {
            print(try WebToken.loadOrCreate(httpTokenFile ?? WebToken.defaultPath()).value)
        } catch {
            throw CLIError("pipetop token: \(ErrorText.sentence(error))")
        }
    }
}
