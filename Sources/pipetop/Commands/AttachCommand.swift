import ArgumentParser
import Foundation
import PipetopClient
import PipetopCore

struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Watch the engines of other hosts over ssh, all in one dashboard.",
        discussion: """
        Runs the system's ssh (so ~/.ssh/config, agents and jump hosts apply) to start `pipetop bridge` on each host, and shows their jobs together, named HOST: job. Acknowledging or silencing an alert acts on its own host. A host that drops shows as disconnected with ssh's reason and reconnects with backoff (up to 30 s); the others keep updating.

        Examples:
          pipetop attach build-3
          pipetop attach ana@gpu-1 gpu-2:/run/user/1000/pipetop/pipetop.sock
          pipetop attach cluster-head --ssh-option '-J bastion' \\
            --ssh-option '-p 2222' --pipetop /opt/pipetop/bin/pipetop
          # two engines on one host, named by their sockets:
          pipetop attach gpu-1:/run/a.sock gpu-1:/run/b.sock
        """)

    @Argument(help: ArgumentHelp("Hosts as [user@]host[:socket] (the socket on that host; default: its default).", valueName: "host"))
    var hosts: [String]

    @Option(name: .customLong("ssh-option"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("An ssh option with its value, as ssh takes it (repeatable): '-p 2222', '-J bastion', '-F FILE', '-i KEY', '-o K=V'; a bare K=V means -o K=V.", valueName: "option"))
    var sshOptions: [String] = []

    @Option(name: .long, help: ArgumentHelp("The pipetop command on the remote hosts.", valueName: "path"))
    var pipetop = "pipetop"

    @OptionGroup var display: DisplayOptions

    func validate() throws {
        if hosts.isEmpty { throw ValidationError("name at least one host") }
        let names = Self.names(hosts)
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) { throw ValidationError("\(twice) is named twice") }
        do { _ = try SSHArguments.parse(sshOptions) } catch { throw ValidationError(error.description) }
    }

    /// `[user@]host[:socket]` → the ssh destination, the host, and the remote socket.
    static func target(_ spec: String) -> (destination: String, name: String, socket: String?) {
        var destination = spec, socket: String?
        if let colon = spec.firstIndex(of: ":") {
            destination = String(spec[..<colon])
            socket = String(spec[spec.index(after: colon)...])
            if socket!.isEmpty { socket = nil }
        }
        let name = destination.split(separator: "@").last.map(String.init) ?? destination
        return (destination, name, socket)
    }

    /// The name each engine is shown by: its host, or `host:socket` when several engines of one
    /// host are watched, with as much of the socket's path as tells them apart (`gpu-1:a.sock`,
    /// `gpu-1:team/pipetop.sock`).
    static func names(_ specs: [String]) -> [String] {
        let targets = specs.map(target)
        return targets.map { t in
            let others = targets.filter { $0.name == t.name }
            guard others.count > 1 else { return t.name }
            let mine = (t.socket ?? "default").split(separator: "/")
            for n in 1...max(1, mine.count) {
                let tail = mine.suffix(n)
                let clash = others.filter { ($0.socket ?? "default").split(separator: "/").suffix(n) == tail }.count > 1
                if !clash || n == mine.count { return t.name + ":" + tail.joined(separator: "/") }
            }
            return t.name + ":" + (t.socket ?? "default")
        }
    }

    /// The ssh command line that runs the bridge on `spec`'s host.
    static func sshCommand(_ spec: String, options: [String], pipetop: String) -> [String] {
        let t = target(spec)
        var remote = "exec " + shellQuote(pipetop) + " bridge"
        if let s = t.socket { remote += " --socket " + shellQuote(s) }
        // -T: no terminal; -C: compress the stream; BatchMode: never hang on a password prompt;
        // keepalives: a dead link is noticed in 30 s.
        var args = ["ssh", "-T", "-C", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=3"]
        args += (try? SSHArguments.parse(options)) ?? []  // checked in validate()
        return args + ["--", t.destination, remote]
    }

    static func shellQuote(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Turns how ssh ended (its last words, its exit status) into advice.
    static func explain(_ how: String) -> String {
        if how.contains("exit status 127") {
            return "pipetop is not installed there (or not on its PATH; --pipetop names it): \(how)"
        }
        if how.contains("exit status 255") { return "ssh failed: \(how)" }
        return "the bridge ended" + (how.isEmpty ? "" : ": " + how)
    }

    func run() throws {
        // A write to an ssh that died must not kill the dashboard: its error is handled.
        signal(SIGPIPE, SIG_IGN)
        let fps = display.effective(Config.load().0).fps
        let options = sshOptions, pipetop = self.pipetop
        let names = Self.names(hosts)
        let source = MultiSource(hosts: zip(hosts, names).map { spec, name in
            let command = Self.sshCommand(spec, options: options, pipetop: pipetop)
            return (name, { @Sendable in try EngineConnection(command: command, label: name, explain: Self.explain) })
        }, fps: fps)
        try DashboardRunner.run(source: source, display: display)
        for h in source.hosts { h.feed.stop() }
    }
}
