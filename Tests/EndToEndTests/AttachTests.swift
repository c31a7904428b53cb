import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopWire

/// `pipetop attach` through a real OpenSSH server on loopback (Debian's openssh-server,
/// installed by .ci/run), with the dashboard read from a real terminal (tmux).
@Suite("pipetop attach over ssh", .serialized)
struct AttachTests {
    func feed(_ sock: String, _ lines: [String]) throws {
        let c = try EngineConnection(path: sock)
        defer { c.close() }
        let replies = try send(c, lines)
        #expect(replies.allSatisfy { if case .synced = $0 { true } else { false } }, "\(replies)")
    }

    @Test func aRemoteJobShowsAnAckReachesItsEngineAndALostBridgeRecovers() throws {
        try #require(SSHServer.available, "Debian's openssh-server is needed (.ci/run installs it)")
        let ssh = try SSHServer()
        let d = try Daemon()
        try feed(d.sock, [#"{"type":"job.start","job":"imp","name":"nightly-import","phases":["fetch"]}"#,
                          #"{"type":"phase.start","job":"imp","phase":"fetch","total":100}"#,
                          #"{"type":"progress","job":"imp","phase":"fetch","done":40}"#,
                          #"{"type":"alert","job":"imp","severity":"critical","message":"quota gone","name":"quota"}"#])
        let cmd = ([pipetopBinary, "attach", "127.0.0.1:\(d.sock)"] + ssh.attachArguments).joined(separator: " ")
        let pane = try TmuxPane(cmd, width: 100, height: 20, env: ["LANG": "C.UTF-8"])
        let (shown, s1) = pane.waitFor(15) { $0.contains("127.0.0.1: nightly-import") && $0.contains("40/100") }
        #expect(shown, "\(s1)")

        // `a` acknowledges the alert on the remote engine, as this user.
        try pane.keys("a")
        let acked = try engineState(d.sock) { $0.alerts.all.first?.ack != nil }
        #expect(acked?.alerts.all.first?.ack?.by.contains("@") == true)

        // The bridge dies (as when the remote side drops): disconnected with the reason, then back.
        _ = try? TmuxPane.tmux(["-L", pane.server, "run-shell", "pkill -f 'pipetop bridge --socket \(d.sock)' || pkill -f '\(pipetopBinary) bridge'"])
        let (lost, s2) = pane.waitFor(10) { $0.contains("disconnected") }
        #expect(lost, "\(s2)")
        try feed(d.sock, [#"{"type":"progress","job":"imp","phase":"fetch","done":70}"#])
        let (back, s3) = pane.waitFor(20) { $0.contains("70/100") && !$0.contains("disconnected") }
        #expect(back, "\(s3)")
        try pane.keys("q")
    }

    @Test func twoRemoteEnginesAtOnce() throws {
        try #require(SSHServer.available, "Debian's openssh-server is needed (.ci/run installs it)")
        let ssh = try SSHServer()
        let a = try Daemon(), b = try Daemon()
        try feed(a.sock, [#"{"type":"job.start","job":"j","name":"etl-on-a"}"#])
        try feed(b.sock, [#"{"type":"job.start","job":"j","name":"train-on-b"}"#])
        // Two names for the same loopback host: 127.0.0.1 and localhost.
        let cmd = ([pipetopBinary, "attach", "127.0.0.1:\(a.sock)", "localhost:\(b.sock)"] + ssh.attachArguments).joined(separator: " ")
        let pane = try TmuxPane(cmd, width: 160, height: 20, env: ["LANG": "C.UTF-8"])
        let (both, s) = pane.waitFor(15) { $0.contains("127.0.0.1: etl-on-a") && $0.contains("localhost: train-on-b") }
        #expect(both, "\(s)")
        try pane.keys("H")
        let (hosts, sh) = pane.waitFor { $0.contains("hosts  2 · 0 down") && $0.contains("localhost") && $0.contains("live") }
        #expect(hosts, "\(sh)")
        try pane.keys("q")
        try pane.keys("q")

        // Two engines of one host: each named by its socket.
        let same = ([pipetopBinary, "attach", "127.0.0.1:\(a.sock)", "127.0.0.1:\(b.sock)"] + ssh.attachArguments).joined(separator: " ")
        let pane2 = try TmuxPane(same, width: 200, height: 20, env: ["LANG": "C.UTF-8"])
        let (named, s2) = pane2.waitFor(15) { $0.contains("127.0.0.1:\(a.dir.split(separator: "/").last!)/d.sock: etl-on-a") && $0.contains("127.0.0.1:\(b.dir.split(separator: "/").last!)/d.sock: train-on-b") }
        #expect(named, "\(s2)")
        try pane2.keys("q")
    }

    @Test func aHostWithoutPipetopSaysSo() throws {
        try #require(SSHServer.available, "Debian's openssh-server is needed (.ci/run installs it)")
        let ssh = try SSHServer()
        let args = ssh.options.flatMap { ["--ssh-option", $0] } + ["--pipetop", "/nonexistent/pipetop"]
        let cmd = ([pipetopBinary, "attach", "127.0.0.1"] + args).joined(separator: " ")
        let pane = try TmuxPane(cmd, width: 140, height: 12, env: ["LANG": "C.UTF-8"])
        let (said, s) = pane.waitFor(15) { $0.contains("127.0.0.1: pipetop is not installed there") }
        #expect(said, "\(s)")
        // H lists the hosts: this one down, with its whole reason and when it is tried again.
        try pane.keys("H")
        let (listed, s2) = pane.waitFor(10) { $0.contains("HOST") && $0.contains("down") && $0.contains("NEXT TRY")
            && $0.contains("pipetop is not installed there") && $0.contains("exit status 127") }
        #expect(listed, "\(s2)")
        try pane.keys("q")
    }

    /// Bytes on the ssh link for a job sending 10,000 progress events a second for 10 s,
    /// counted by a relay in ssh's ProxyCommand (so after ssh's compression). Prints the figure.
    @Test func bytesOnTheLinkForABusyJob() throws {
        try #require(SSHServer.available, "Debian's openssh-server is needed (.ci/run installs it)")
        let ssh = try SSHServer()
        let d = try Daemon()
        try feed(d.sock, [#"{"type":"job.start","job":"busy","name":"busy","phases":["p"]}"#,
                          #"{"type":"phase.start","job":"busy","phase":"p","total":100000}"#])
        let relay = ssh.dir + "/relay.py", counts = ssh.dir + "/bytes"
        try """
            import os, socket, sys, threading
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            total = [0, 0]
            def up():
                while True:
                    b = os.read(0, 65536)
                    if not b: break
                    s.sendall(b); total[0] += len(b)
                s.shutdown(socket.SHUT_WR)
            threading.Thread(target=up, daemon=True).start()
            while True:
                b = s.recv(65536)
                if not b: break
                os.write(1, b); total[1] += len(b)
                tmp = sys.argv[2] + ".tmp"
                with open(tmp, "w") as f:
                    f.write("%d %d" % (total[0], total[1]))
                os.replace(tmp, sys.argv[2])  # readers never see a half-written count
            """.write(toFile: relay, atomically: false, encoding: .utf8)
        let options = ssh.options + ["ProxyCommand=python3 \(relay) \(ssh.port) \(counts)"]
        let command = ["ssh", "-T", "-C", "-o", "BatchMode=yes"] + options.flatMap { ["-o", $0] } + ["--", "127.0.0.1", "exec \(pipetopBinary) bridge --socket \(d.sock)"]
        let feedOverSSH = SubscriptionFeed(label: "127.0.0.1", fps: 10, connect: { try EngineConnection(command: command) }) {}
        feedOverSSH.start()
        defer { feedOverSSH.stop() }
        #expect(poll(seconds: 15) { feedOverSSH.current.board?[job: "busy"] != nil }, "no snapshot over ssh")
        func linkBytes() -> Int {
            let parts = ((try? String(contentsOfFile: counts, encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int($0) }
            return parts.count == 2 ? parts[1] : 0
        }
        let c = try EngineConnection(path: d.sock)
        defer { c.close() }
        let bytesBefore = linkBytes(), streamBefore = feedOverSSH.bytesReceived
        let started = Date()
        var done = 0
        for second in 0..<10 {
            // 10,000 events in this second, sent in 100 batches.
            for batch in 0..<100 {
                var text = ""
                for _ in 0..<100 {
                    done += 1
                    text += #"{"type":"progress","job":"busy","phase":"p","done":\#(done)}"# + "\n"
                }
                try c.send(text)
                let due = started.addingTimeInterval(Double(second) + Double(batch + 1) / 100)
                if due > Date() { Thread.sleep(until: due) }
            }
        }
        _ = try c.sync()
        let seconds = Date().timeIntervalSince(started)
        #expect(poll(seconds: 5) { feedOverSSH.current.board?[job: "busy"]?.phase("p")?.done == done })
        let link = Double(linkBytes() - bytesBefore) / seconds / 1000
        let stream = Double(feedOverSSH.bytesReceived - streamBefore) / seconds / 1000
        print(String(format: "ssh link for 10,000 events/s: %.1f KB/s on the wire (ssh -C), %.1f KB/s of protocol before compression, over %.1f s",
                     link, stream, seconds))
        #expect(link > 0)
    }
}
