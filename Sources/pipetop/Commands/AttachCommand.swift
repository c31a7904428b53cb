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
          pipetop attach cluster-head --ssh-option ProxyJump=bastion --pipetop /opt/pipetop/bin/pipetop
        """)

    @Argument(help: ArgumentHelp("Hosts as [user@]host[:socket] (the socket on that host; default: its default).", valueName: "host"))
    var hosts: [String]

    @Option(name: .customLong("ssh-option"), help: ArgumentHelp("An ssh -o option (repeatable), e.g. Port=2222.", valueName: "option"))
    var sshOptions: [String] = []

    @Option(name: .long, help: ArgumentHelp("The pipetop command on the remote hosts.", valueName: "path"))
    var pipetop = "pipetop"

    @OptionGroup var display: DisplayOptions

    func validate() throws {
        if hosts.isEmpty { throw ValidationError("name at least one host") }
        let names = hosts.map { Self.target($0).name }
        if Set(names).count != names.count { throw ValidationError("a host is named twice") }
    }

    /// `[user@]host[:socket]` → the ssh destination, the name shown, and the remote socket.
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

    /// The ssh command line that runs the bridge on `spec`'s host.
    static func sshCommand(_ spec: String, options: [String], pipetop: String) -> [String] {
        let t = target(spec)
        var remote = "exec " + shellQuote(pipetop) + " bridge"
        if let s = t.socket { remote += " --socket " + shellQuote(s) }
        // -T: no terminal; -C: compress the stream; BatchMode: never hang on a password prompt;
        // keepalives: a dead link is noticed in 30 s.
        var args = ["ssh", "-T", "-C", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=3"]
        for o in options { args += ["-o", o] }
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
        let source = MultiSource(hosts: hosts.map { spec in
            let name = Self.target(spec).name
            let command = Self.sshCommand(spec, options: options, pipetop: pipetop)
            return (name, { @Sendable in try EngineConnection(command: command, label: name, explain: Self.explain) })
        }, fps: fps)
        try DashboardRunner.run(source: source, display: display)
        for h in source.hosts { h.feed.stop() }
    }
}
