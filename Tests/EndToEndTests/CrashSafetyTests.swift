import Foundation
import Testing
@testable import PipetopClient
@testable import PipetopCore
@testable import PipetopStore
@testable import PipetopWire

@Suite("Nothing synced is lost", .serialized)
struct CrashSafetyTests {
    /// Streams progress with a `sync` every 50 lines, kills the engine with SIGKILL at a random
    /// moment, restarts it on the same file, and checks that everything synced is there.
    @Test func kill9MidStreamLosesNothingThatWasSynced() throws {
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/p.db", sock = dir + "/p.sock"
        func startEngine() throws -> Process { try startDaemon(sock, ["--db", db, "--sample-interval", "0"]) }
        var synced = 0
        for cycle in 0..<3 {
            let engine = try startEngine()
            let c = try EngineConnection(path: sock)
            if cycle == 0 {
                #expect(try send(c, [#"{"type":"job.start","job":"j","phases":["a"]}"#]).isEmpty)
            }
            // Resume from what the engine has, as a restarted producer would.
            try c.send(#"{"type":"resume","job":"j"}"# + "\n")
            let resumed = try JSONParser.parse(try #require(try c.readLine(timeout: 5)))
            if cycle > 0 {
                guard case .int(let have)? = resumed["checkpoint"]?["data"]?["done"] else { Issue.record("no checkpoint after restart"); return }
                #expect(have >= synced, "cycle \(cycle): engine has \(have), \(synced) were synced")
            }
            let killAfter = Double.random(in: 0.2...0.6)
            let start = Date()
            var n = synced
            let killer = Thread { Thread.sleep(forTimeInterval: killAfter); kill(engine.processIdentifier, SIGKILL) }
            killer.start()
            do {
                while Date().timeIntervalSince(start) < 5 {
                    var batch = ""
                    for _ in 0..<50 {
                        n += 1
                        batch += #"{"type":"progress","job":"j","phase":"a","done":\#(n)}"# + "\n"
                    }
                    batch += #"{"type":"checkpoint","job":"j","name":"c\#(n)","data":{"done":\#(n)}}"# + "\n"
                    try c.send(batch)
                    _ = try c.sync(timeout: 5)
                    synced = n  // only now is it promised
                }
            } catch {
                // The engine died under us: expected.
            }
            engine.waitUntilExit()
            #expect(engine.terminationReason == .uncaughtSignal)
            #expect(synced > 0)
        }
        let store = try Store(path: db)
        #expect(try store.integrityCheck() == "ok")
        let done = try store.restoreState().state[job: "j"]?.phase("a")?.done ?? 0
        #expect(done >= synced, "the file has \(done), \(synced) were synced")

        // And `pipetop resume` reads it straight from the file when no engine runs.
        let r = try runPipetop(["resume", "j", "--socket", sock, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\"done\":"), "\(r.out)")
    }
}
