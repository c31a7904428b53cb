import Foundation
import PipetopClient
import PipetopEngine

/// An engine in this process on a fresh socket, for a dashboard in a pty to attach to.
final class BenchEngine {
    let dir: String
    let server: EngineServer
    var socket: String { server.socketPath }

    /// `sampleInterval` > 0 samples /proc, so jobs get CPU and memory graphs that scroll.
    init(name: String, sampleInterval: Double = 0) throws {
        dir = "/tmp/pt-\(name)-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        server = EngineServer(engine: Engine(), socketPath: dir + "/e.sock", threads: 1, sampleInterval: sampleInterval)
        try server.start()
    }

    /// Settings every program under test gets: a clean home (no config of the person running
    /// the benchmark; htop writes its htoprc there), the terminal type and the locale.
    func environment(term: String = "xterm-256color", lang: String = "C.UTF-8") -> [String: String] {
        ["TERM": term, "LANG": lang, "HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "PATH": "/usr/bin:/bin",
         "SWIFT_BACKTRACE": "interactive=no"]
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// Jobs that report over the engine's socket: `jobs` jobs of one phase each, every one sent
/// a new absolute `done` on each tick.
final class JobLoad {
    let connection: EngineConnection
    let jobs: Int
    let total: Int
    private(set) var tick = 0

    init(socket: String, jobs: Int, total: Int = 1_000_000, prefix: String = "job") throws {
        connection = try EngineConnection(path: socket)
        self.jobs = jobs
        self.total = total
        var text = ""
        for j in 0..<jobs {
            text += #"{"type":"job.start","job":"\#(prefix)-\#(j)","name":"\#(prefix) \#(j)","phases":["load"]}"# + "\n"
            text += #"{"type":"phase.start","job":"\#(prefix)-\#(j)","phase":"load","total":\#(total)}"# + "\n"
        }
        try connection.send(text)
        _ = try connection.sync()
        ids = (0..<jobs).map { "\(prefix)-\($0)" }
    }

    private let ids: [String]

    /// One progress line for job `j` with `done`.
    func line(_ j: Int, done: Int) -> String {
        #"{"type":"progress","job":"\#(ids[j])","phase":"load","done":\#(done)}"# + "\n"
    }

    /// Every job moves on by a little (one line each, written together).
    func step() throws {
        tick += 1
        try connection.send((0..<jobs).map { line($0, done: min(total, tick * 7 + $0)) }.joined())
    }

    /// Steps `perSecond` times a second for `seconds`, paced by the clock (not by sleeps adding up).
    func run(perSecond: Double, for seconds: Double) throws {
        let start = monotonic()
        var n = 0
        while monotonic() - start < seconds {
            try step()
            n += 1
            let next = start + Double(n) / perSecond
            let wait = next - monotonic()
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
        }
    }

    func close() { connection.close() }
}
