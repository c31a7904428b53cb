import Foundation
import PipetopClient
#if canImport(Glibc)
import Glibc
#endif

/// Many producers at once against the real daemon (journaling to SQLite, sampling /proc), with
/// and without viewers that read slowly or not at all: what the engine applies per second and
/// its peak memory. The baseline is the same load with no viewers, in the same run.
enum OverloadBench {
    struct Result { var eventsPerSecond: Double; var peakRSS: Int }

    static func main(quick: Bool) throws -> [Figure] {
        // --clients N and --per-client N change the load.
        func option(_ name: String) -> Int? {
            let args = CommandLine.arguments
            return args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil }
        }
        let clients = option("--clients") ?? (quick ? 100 : 1_000)
        let perClient = option("--per-client") ?? (quick ? 100 : 1_000)
        print("Overload: \(clients) producers × \(perClient) progress events, daemon journaling to SQLite")
        let alone = try run(clients: clients, perClient: perClient, viewers: false)
        let watched = try run(clients: clients, perClient: perClient, viewers: true)
        print(String(format: "no viewers:                               %10.0f events/s, peak RSS %5.1f MB", alone.eventsPerSecond, Double(alone.peakRSS) / 1e6))
        print(String(format: "a viewer not reading + one reading slowly: %9.0f events/s, peak RSS %5.1f MB", watched.eventsPerSecond, Double(watched.peakRSS) / 1e6))
        return [
            Figure(name: "\(clients) producers + stalled viewers", ours: "\(fmt(watched.eventsPerSecond))/s", baseline: "\(fmt(alone.eventsPerSecond))/s no viewers",
                   ratio: String(format: "%.2fx", watched.eventsPerSecond / alone.eventsPerSecond), target: "not slowed", met: watched.eventsPerSecond >= alone.eventsPerSecond * 0.8),
            Figure(name: "peak RSS, same", ours: String(format: "%.1f MB", Double(watched.peakRSS) / 1e6), baseline: String(format: "%.1f MB no viewers", Double(alone.peakRSS) / 1e6),
                   ratio: String(format: "%.2fx", Double(watched.peakRSS) / Double(alone.peakRSS)), target: "bounded", met: nil),
        ]
    }

    static func run(clients: Int, perClient: Int, viewers: Bool) throws -> Result {
        let dir = "/tmp/pt-overload-\(getpid())-\(viewers)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sock = dir + "/e.sock"
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: try pipetopBinary())
        daemon.arguments = ["daemon", "--socket", sock]
        var env = ProcessInfo.processInfo.environment
        env["PIPETOP_DB"] = dir + "/e.db"
        daemon.environment = env
        daemon.standardOutput = FileHandle.nullDevice
        fflush(nil)  // a child must not inherit (and print again) what is still buffered
        try daemon.run()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        for _ in 0..<200 where (try? EngineConnection(path: sock)) == nil { usleep(25_000) }

        // The viewers: one subscribes and never reads; one reads 16 KB every 100 ms.
        var keep: [EngineConnection] = []
        let stop = Mutex2(false)
        if viewers {
            let stalled = try EngineConnection(path: sock)
            try stalled.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
            let slow = try EngineConnection(path: sock)
            try slow.send(#"{"type":"subscribe","v":2,"fps":30}"# + "\n")
            keep = [stalled, slow]
            Thread {
                var buf = [UInt8](repeating: 0, count: 16_384)
                while !stop.with({ $0 }) {
                    _ = recv(slow.fd, &buf, buf.count, Int32(MSG_DONTWAIT))
                    usleep(100_000)
                }
            }.start()
        }

        let conns = try (0..<clients).map { _ in try EngineConnection(path: sock) }
        let threads = 8
        let start = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread {
                let mine = Array(stride(from: t, to: clients, by: threads))
                for c in mine {
                    try? conns[c].send(#"{"type":"job.start","job":"load-\#(c)","phases":["p"]}"# + "\n" +
                                       #"{"type":"phase.start","job":"load-\#(c)","phase":"p","total":\#(perClient)}"# + "\n")
                }
                // Round-robin over this thread's connections, 50 events at a time: all of them
                // are sending at once.
                for from in stride(from: 1, through: perClient, by: 50) {
                    for c in mine {
                        let lines = (from..<min(perClient + 1, from + 50)).map { #"{"type":"progress","job":"load-\#(c)","phase":"p","done":\#($0)}"# }
                        try? conns[c].send(lines.joined(separator: "\n") + "\n")
                    }
                }
                for c in mine { _ = try? conns[c].sync(timeout: 300) }
                group.leave()
            }.start()
        }
        group.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        stop.with { $0 = true }
        let peak = MemoryBench.Mem.read(daemon.processIdentifier).hwm
        for c in conns { c.close() }
        for c in keep { c.close() }
        return Result(eventsPerSecond: Double(clients * (perClient + 2)) / seconds, peakRSS: peak)
    }
}
