import Foundation
import PipetopEngine

/// What the file's syntax does not show but the daemon and the dashboard find when they use a
/// setting: a theme that does not exist or cannot be read, a group that does not exist, a
/// socket path too long for a Unix socket, a notify command whose program cannot run. `pipetop config check` says these too, so that
/// "ok" means the engine and the dashboard will take the file as it is.
extension Config {
    /// The most bytes of a Unix socket's path (sun_path less its closing NUL).
    static let maxSocketPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    func startProblems(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> [ConfigProblem] {
        var out: [ConfigProblem] = []
        if let theme, let why = ThemeChoice.resolve(theme, environment: environment).1 {
            out.append(ConfigProblem(file: file, line: lines["theme"], message: "key 'theme': \(why)"))
        }
        if let group = allowGroup, Self.groupMissing(group) {
            out.append(ConfigProblem(file: file, line: lines["allow_group"],
                                     message: "key 'allow_group': there is no group '\(group)'; `pipetop daemon` and the dashboard refuse to start an engine with it"))
        }
        if let socket, socket.utf8.count > Self.maxSocketPathBytes {
            out.append(ConfigProblem(file: file, line: lines["socket"],
                                     message: "key 'socket': the path is \(socket.utf8.count) bytes long, more than a Unix socket's \(Self.maxSocketPathBytes); no engine can listen there"))
        }
        return out + notifyProblems(file: file, environment: environment)
    }

    /// Each `command` notify target whose program cannot run, as `/bin/sh -c` would find it
    /// with this PATH: found out only when an alert fires otherwise. The target is kept (the
    /// program may be installed later); the daemon warns at start.
    func notifyProblems(file: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                        directory: String = FileManager.default.currentDirectoryPath) -> [ConfigProblem] {
        alerts.notify.indices.compactMap { i in
            let target = alerts.notify[i]
            guard target.kind == .command, let command = target.command,
                  let why = ShellProgram.problem(command, path: environment["PATH"], directory: directory) else { return nil }
            return ConfigProblem(file: file, line: i < notifyLines.count ? notifyLines[i] : nil,
                                 message: "[[notify]] command '\(command)': \(why); the target is kept, but every notification to it fails until that is fixed",
                                 leftOut: false)
        }
    }

    /// Whether no group has this name (or number), as the engine's peer policy would find.
    static func groupMissing(_ name: String) -> Bool {
        (try? PeerPolicy(allowGroup: name)) == nil
    }
}
