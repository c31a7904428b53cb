import Foundation
import Testing
@testable import PipetopClient

/// Without XDG_RUNTIME_DIR the default socket is /tmp/pipetop-UID/pipetop.sock: another user
/// can make that directory first and listen there. Clients must send that listener nothing.
/// Two users made by the test: the victim runs the clients, the attacker listens.
@Suite("Clients check whom they talk to", .serialized)
struct SocketTrustTests {
    @Test func aListenerAnotherUserPutAtTheDefaultPathGetsNothing() throws {
        let victim = try OtherUser(), attacker = try OtherUser()
        let place = "/tmp/pipetop-\(victim.uid)"
        try? FileManager.default.removeItem(atPath: place)
        defer { try? FileManager.default.removeItem(atPath: place) }
        let scratch = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        chmod(scratch, 0o777)
        let got = scratch + "/got", ready = scratch + "/ready"
        // The attacker's listener: whatever arrives is kept, a sync is answered (as an engine would).
        let listener = """
            import os, socket, threading
            os.makedirs("\(place)", mode=0o755)
            os.chmod("\(place)", 0o755)
            s = socket.socket(socket.AF_UNIX)
            s.bind("\(place)/pipetop.sock")
            os.chmod("\(place)/pipetop.sock", 0o777)
            s.listen(16)
            open("\(ready)", "w").close()
            def serve(c):
                while True:
                    b = c.recv(65536)
                    if not b: return
                    with open("\(got)", "ab") as f: f.write(b)
                    if b'"sync"' in b: c.sendall(b'{"type":"synced","id":"peer","line":1}\\n')
            while True:
                c, _ = s.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
            """
        let pid = try spawnServer(["/usr/bin/setpriv", "--reuid=\(attacker.uid)", "--regid=\(attacker.gid)", "--clear-groups", "--",
                                   "/usr/bin/env", "python3", "-c", listener], log: scratch + "/listener.log")
        defer { stopChild(pid) }
        #expect(poll(seconds: 10) { FileManager.default.fileExists(atPath: ready) }, "the listener did not start")

        // pipetop emit, as the victim, to its default socket: nothing sent, said in a sentence.
        let pipetop = try binaryOtherUsersCanRun(in: scratch)
        let emit = try victim.run(pipetop, ["emit", "job.start", "--job", "j", "name=password-hunter2"])
        #expect(emit.status == 0, "emit must not fail the script: \(emit.err)")
        #expect(emit.err.contains("belongs to uid \(attacker.uid)"), "\(emit.err)")
        let strict = try victim.run(pipetop, ["emit", "job.start", "--job", "j", "name=password-hunter2", "--strict"])
        #expect(strict.status != 0 && strict.err.contains("not to you"), "\(strict.err)")
        // pipetop resume would print what the other user chose: it refuses instead.
        let resume = try victim.run(pipetop, ["resume", "j"])
        #expect(resume.status != 0 && resume.err.contains("belongs to uid \(attacker.uid)"), "\(resume.err)")

        // The Python client, as the victim.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/python/pipetop").path
        let clients = scratch + "/py"
        try FileManager.default.createDirectory(atPath: clients, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: clients + "/pipetop")
        _ = try runProcess("/bin/chmod", ["-R", "a+rX", clients])
        let py = try victim.run("/usr/bin/env", ["python3", "-c", """
            import pipetop
            with pipetop.job("password-hunter3", phases=["a"]) as j:
                j.checkpoint("c", data={"token": "hunter3"})
            pipetop.flush()
            print("python done")
            """], env: ["PYTHONPATH": clients])
        #expect(py.status == 0 && py.out.contains("python done"), "\(py.err)")
        #expect(py.err.contains("belongs to uid \(attacker.uid)"), "\(py.err)")

        // The Node client, as the victim.
        try FileManager.default.copyItem(atPath: source + "/../../node", toPath: clients + "/node")
        _ = try runProcess("/bin/chmod", ["-R", "a+rX", clients])
        let js = try victim.run(NodeClientTests.node, ["-e", """
            const pipetop = require("\(clients)/node");
            const j = pipetop.job("password-hunter4", { phases: ["a"] });
            j.checkpoint("c", { token: "hunter4" });
            j.end().then(() => console.log("node done"));
            """])
        #expect(js.status == 0 && js.out.contains("node done"), "\(js.err)")
        #expect(js.err.contains("belongs to uid \(attacker.uid)"), "\(js.err)")

        let received = (try? String(contentsOfFile: got, encoding: .utf8)) ?? ""
        #expect(!received.contains("hunter"), "the other user's listener got: \(received)")
    }
}

@Suite("The engine's default directory", .serialized)
struct SocketDirectoryTests {
    /// A link at /tmp/pipetop-UID to one of the user's own directories: the engine used to
    /// follow it and make that directory 0700.
    @Test func aLinkAtTheDefaultDirectoryIsNotFollowed() throws {
        let user = try OtherUser()
        let place = "/tmp/pipetop-\(user.uid)"
        try? FileManager.default.removeItem(atPath: place)
        defer { try? FileManager.default.removeItem(atPath: place) }
        let target = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: target) }
        chown(target, user.uid, user.gid)
        chmod(target, 0o755)
        #expect(symlink(target, place) == 0)
        let r = try user.run("/usr/bin/timeout", ["10", try binaryOtherUsersCanRun(in: target), "daemon", "--db", ":memory:", "--sample-interval", "0"])
        #expect(r.status != 0 && r.status != 124, "the daemon started through the link (status \(r.status))")
        #expect(r.err.contains("\(place) is a symbolic link"), "\(r.err)")
        #expect(mode(target)?.mode == 0o755, "the linked directory's mode changed to \(String(mode(target)?.mode ?? 0, radix: 8))")
    }
}

/// A copy of the binary another user can run: a checkout may sit in a private directory (CI's
/// does), which only its owner can go through.
func binaryOtherUsersCanRun(in dir: String) throws -> String {
    let copy = dir + "/pipetop-bin/pipetop"
    try? FileManager.default.createDirectory(atPath: dir + "/pipetop-bin", withIntermediateDirectories: true)
    // Copied by cp(1): a file this process held open for writing would be inherited by any
    // child another test spawns meanwhile, and running the copy would fail (ETXTBSY).
    if !FileManager.default.fileExists(atPath: copy) { _ = try runProcess("/bin/cp", [pipetopBinary, copy]) }
    var st = stat()
    if stat(dir, &st) == 0 { chmod(dir, (st.st_mode & 0o7777) | 0o055) }  // others may go through
    chmod(dir + "/pipetop-bin", 0o755)
    chmod(copy, 0o755)
    return copy
}
