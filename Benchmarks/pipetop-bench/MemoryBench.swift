import Foundation
import PipetopClient
import PipetopCore
import PipetopEngine
#if canImport(Glibc)
import Glibc
#endif

/// The engine's resident memory holding a large load, beside a baseline from the same run:
/// the same engine idle with no jobs, and the bytes of the events that built the state.
///
/// The engine runs in a child process (this binary, `memory-engine SOCKET`): an `Engine`
/// with no database behind an `EngineServer`, as `pipetop daemon` runs with
/// `PIPETOP_DB=:memory:`. The load comes over its socket as protocol lines: every job's phases
/// with their sub-steps started and finished (with `ts`, so durations and rates look like real
/// work), progress and log lines. The sampler is off in the child: resource timelines come
/// from `SamplerReading`s the child applies through `Engine.apply(_ reading:)`, the sampler's
/// own door, one a second of made-up time for 24 h (a day of samples cannot be waited for),
/// then one a second of real time during the soak.
enum MemoryBench {
    struct Scale {
        var jobs = 1_000, phases = 10, steps = 1_000
        var timelineJobs = 50, timelineSeconds = 86_400
        var soak = 600.0, every = 30.0
        /// Events a second during the soak.
        var rate = 5_000
        static let quick = Scale(jobs: 20, phases: 3, steps: 200, timelineJobs: 5, timelineSeconds: 3_600, soak: 12, every: 2, rate: 2_000)
    }

    // MARK: the parent

    static func main(args: [String]) throws -> [Figure] {
        var scale = args.contains("--quick") ? Scale.quick : Scale()
        func value(_ name: String) -> Double? { args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? Double(args[$0 + 1]) : nil } }
        if let s = value("--soak") { scale.soak = s }
        if let s = value("--every") { scale.every = s }
        if let s = value("--rate") { scale.rate = Int(s) }
        if let s = value("--jobs") { scale.jobs = Int(s) }
        if let s = value("--steps") { scale.steps = Int(s) }
        if let s = value("--timeline-jobs") { scale.timelineJobs = Int(s) }
        if let s = value("--timeline-seconds") { scale.timelineSeconds = Int(s) }

        let dir = "/tmp/pt-mem-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        fflush(nil)  // the child must not inherit (and print again) what is still buffered
        let child = try Child(socket: dir + "/engine.sock")
        defer { child.stop() }

        print("Memory: pipetop engine (child pid \(child.pid), no database, sampler replaced by injected readings)")
        print("scale: \(scale.jobs) jobs x \(scale.phases) phases x \(scale.steps) steps; timelines: \(scale.timelineJobs) jobs x \(scale.timelineSeconds) s of 1 s samples")
        Thread.sleep(forTimeInterval: 1)
        let idle = child.memory()
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        func row(_ what: String, _ a: String, _ b: String, _ c: String) {
            print(pad(what, 44, left: true) + pad(a, 10) + pad(b, 10) + pad(c, 10))
        }
        func row(_ what: String, _ m: Mem) { row(what, mb(m.rss), mb(m.hwm), mb(m.anon)) }
        row("stage", "VmRSS", "VmHWM", "RssAnon")
        row("idle, no jobs (baseline)", idle)

        let began = Date()
        let sent = try load(scale, socket: child.socket)
        let loadSeconds = Date().timeIntervalSince(began)
        let loaded = child.memory()
        row("+ \(Format.count(scale.jobs * scale.phases * scale.steps)) steps in \(scale.jobs) jobs", loaded)

        let t0 = Date()
        child.command("timelines \(scale.timelineJobs) \(scale.timelineSeconds)")
        let timelineSeconds = Date().timeIntervalSince(t0)
        let full = child.memory()
        row("+ timelines (\(scale.timelineJobs) jobs x \(scale.timelineSeconds) s)", full)

        let samples = scale.timelineJobs * scale.timelineSeconds
        print(String(format: "events sent: %@ lines, %@ of JSON in %.0f s (%.0f lines/s); %@ samples applied in %.1f s",
                     Format.count(sent.lines), mb(sent.bytes), loadSeconds, Double(sent.lines) / loadSeconds,
                     Format.count(samples), timelineSeconds))
        let growth = full.rss - idle.rss
        print(String(format: "engine RSS %@ (target 200 MB): %@ above idle = %.1f%% of the JSON it was sent; %.0f bytes per step sent",
                     mb(full.rss), mb(growth), Double(growth) / Double(sent.bytes) * 100,
                     Double(loaded.rss - idle.rss) / Double(scale.jobs * scale.phases * scale.steps)))
        print(child.command("census"))

        var figures = [Figure(name: "engine RSS, \(scale.jobs) jobs x \(scale.phases) x \(scale.steps) steps + timelines", ours: mb(full.rss),
                              baseline: "\(mb(idle.rss)) idle; \(mb(sent.bytes)) JSON sent",
                              ratio: String(format: "%.1f%% of JSON", Double(growth) / Double(sent.bytes) * 100),
                              target: "< 200 MB", met: full.rss < 200_000_000)]
        guard scale.soak > 0 else { return figures }
        if let (lo, hi, slope) = try soak(scale, child: child) {
            // Flat: after warm-up it grows by less than 5% of its size in 10 minutes.
            let per10 = slope * 600
            figures.append(Figure(name: "soak RSS after warm-up (\(Int(scale.soak)) s)", ours: String(format: "%+.1f MB per 10 min", per10 / 1_048_576),
                                  baseline: "\(mb(lo)) to \(mb(hi))", ratio: String(format: "%+.1f%%", per10 / Double(hi) * 100),
                                  target: "flat (< 5% / 10 min)", met: per10 < Double(hi) * 0.05))
        }
        return figures
    }

    /// Runs continuous traffic for `scale.soak` seconds, printing RSS every `scale.every`
    /// seconds and the slope after a warm-up of a third of the soak.
    static func soak(_ scale: Scale, child: Child) throws -> (lo: Int, hi: Int, bytesPerSecond: Double)? {
        print(String(format: "soak: %.0f s of traffic at %d events/s (new steps, progress, logs in every job's running phase; a new run of one job every 30 s), timelines sampled each second",
                     scale.soak, scale.rate))
        child.command("live \(scale.timelineJobs)")
        let conn = try EngineConnection(path: child.socket)
        defer { conn.close() }
        let start = Date().timeIntervalSince1970
        var points: [(Double, Int)] = []
        var nextReport = start
        var sent = 0, batch = 0, reruns = 0
        var nextRerun = start + 30
        let perBatch = max(1, scale.rate / 10)
        var serial = 0
        print("seconds      VmRSS      VmHWM     events")
        while true {
            let now = Date().timeIntervalSince1970
            if now >= nextReport {
                let m = child.memory()
                points.append((now - start, m.rss))
                let cols = [mb(m.rss), mb(m.hwm), Format.count(sent)].map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }
                print(String(format: "%7.0f ", now - start) + cols.joined(separator: " "))
                fflush(nil)
                nextReport += scale.every
            }
            if now - start >= scale.soak { break }
            var text = ""
            for _ in 0..<perBatch / 4 {
                // A new step started and finished in a job's last (running) phase, its progress and a log line.
                let k = serial % scale.jobs
                let job = "mem-\(k)", phase = "phase-\(scale.phases - 1)"
                let step = "soak \(serial / scale.jobs)"
                text += #"{"type":"step","job":"\#(job)","phase":"\#(phase)","step":"\#(step)","state":"running","detail":"GET /items?soak=\#(serial)"}"# + "\n"
                text += #"{"type":"step","job":"\#(job)","phase":"\#(phase)","step":"\#(step)","state":"\#(serial % 97 == 0 ? "failed" : "done")"}"# + "\n"
                text += #"{"type":"progress","job":"\#(job)","phase":"\#(phase)","done":\#(scale.steps + serial / scale.jobs),"total":\#(scale.steps * 2)}"# + "\n"
                text += #"{"type":"log","job":"\#(job)","phase":"\#(phase)","level":"info","message":"soak step \#(serial) finished in 1.2 s"}"# + "\n"
                serial += 1
                sent += 4
            }
            if now >= nextRerun, scale.jobs > scale.timelineJobs {
                // A new run of a job that has no timeline: it ends, starts again, and does all its work again.
                let k = scale.timelineJobs + reruns % (scale.jobs - scale.timelineJobs)
                text += #"{"type":"job.end","job":"mem-\#(k)","status":"completed"}"# + "\n"
                var bytes = Array(text.utf8)
                sent += 1 + appendJob(k, scale, to: &bytes, endingAt: now)
                try write(bytes, to: conn.fd)
                reruns += 1
                nextRerun += 30
            } else {
                try write(Array(text.utf8), to: conn.fd)
            }
            batch += 1
            _ = try conn.sync(timeout: 120)
            let next = start + Double(batch) * 0.1
            let wait = next - Date().timeIntervalSince1970
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
        }
        // The slope after warm-up: least squares over the points past the first third.
        let tail = points.filter { $0.0 >= scale.soak / 3 }
        var result: (Int, Int, Double)?
        if tail.count >= 2 {
            let n = Double(tail.count)
            let mx = tail.map(\.0).reduce(0, +) / n, my = tail.map { Double($0.1) }.reduce(0, +) / n
            let sxy = tail.map { ($0.0 - mx) * (Double($0.1) - my) }.reduce(0, +)
            let sxx = tail.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
            let slope = sxx > 0 ? sxy / sxx : 0  // bytes per second
            let lo = tail.map(\.1).min()!, hi = tail.map(\.1).max()!
            print(String(format: "soak: %@ events, %d new runs; after warm-up (t >= %.0f s) RSS %@ to %@, slope %+.2f MB per 10 min",
                         Format.count(sent), reruns, scale.soak / 3, mb(lo), mb(hi), slope * 600 / 1_048_576))
            result = (lo, hi, slope)
        }
        print(child.command("census"))
        return result
    }

    /// Sends every job's work, from two connections at once; lines and bytes sent.
    static func load(_ scale: Scale, socket: String) throws -> (lines: Int, bytes: Int) {
        let writers = 2
        let totals = Mutex2<(Int, Int)>((0, 0))
        let group = DispatchGroup()
        let now = Date().timeIntervalSince1970
        let failure = Mutex2<Error?>(nil)
        for w in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let conn = try EngineConnection(path: socket)
                    defer { conn.close() }
                    var lines = 0, bytes = 0
                    var k = w
                    while k < scale.jobs {
                        var buf: [UInt8] = []
                        buf.reserveCapacity(1 << 22)
                        lines += appendJob(k, scale, to: &buf, endingAt: now)
                        bytes += buf.count
                        try write(buf, to: conn.fd)
                        k += writers
                    }
                    _ = try conn.sync(timeout: 600)
                    totals.with { $0.0 += lines; $0.1 += bytes }
                } catch {
                    failure.with { $0 = error }
                }
            }.start()
        }
        group.wait()
        if let e = failure.with({ $0 }) { throw e }
        return totals.with { $0 }
    }

    /// One job's whole run as protocol lines: `job.start`, then phase after phase, its steps
    /// (three in flight; 1% fail), progress every ten steps and a log line every hundred. The
    /// last phase is left running. Times (`ts`) are a second a step, ending about `end`.
    static func appendJob(_ k: Int, _ s: Scale, to buf: inout [UInt8], endingAt end: Double) -> Int {
        let job = "mem-\(k)"
        let base = end - Double(s.phases * (s.steps + 5))
        var lines = 0
        func put(_ line: String) { buf.append(contentsOf: line.utf8); buf.append(10); lines += 1 }
        let phases = (0..<s.phases).map { "\"phase-\($0)\"" }.joined(separator: ",")
        put(#"{"type":"job.start","job":"\#(job)","name":"memory bench \#(k % 20)","phases":[\#(phases)],"labels":{"bench":"memory"},"ts":\#(base)}"#)
        for p in 0..<s.phases {
            let phase = "phase-\(p)"
            let tp = base + Double(p * (s.steps + 5))
            put(#"{"type":"phase.start","job":"\#(job)","phase":"\#(phase)","total":\#(s.steps),"unit":"items","ts":\#(tp)}"#)
            var failed = 0
            func duration(_ i: Int) -> Double { 0.5 + Double((k &* 31 &+ p &* 17 &+ i &* 7) % 26) / 10 }
            func finish(_ i: Int) {
                let fails = (k + p * 7 + i) % 100 == 0
                if fails { failed += 1 }
                let t = tp + Double(i) + duration(i)
                if fails {
                    put(#"{"type":"step","job":"\#(job)","phase":"\#(phase)","step":"item \#(i)","state":"failed","detail":"HTTP 503 after 3 retries","ts":\#(t)}"#)
                } else {
                    put(#"{"type":"step","job":"\#(job)","phase":"\#(phase)","step":"item \#(i)","state":"done","ts":\#(t)}"#)
                }
            }
            for i in 0..<s.steps {
                let t = tp + Double(i)
                if i >= 3 { finish(i - 3) }
                put(#"{"type":"step","job":"\#(job)","phase":"\#(phase)","step":"item \#(i)","state":"running","detail":"GET /items?page=\#(i)","ts":\#(t)}"#)
                if i % 10 == 9 {
                    put(#"{"type":"progress","job":"\#(job)","phase":"\#(phase)","done":\#(i - 2 - failed),"failed":\#(failed),"ts":\#(t)}"#)
                }
                if i % 100 == 99 {
                    put(#"{"type":"log","job":"\#(job)","phase":"\#(phase)","level":"info","message":"\#(i + 1) items fetched","ts":\#(t)}"#)
                }
            }
            for i in max(0, s.steps - 3)..<s.steps { finish(i) }
            let te = tp + Double(s.steps + 3)
            put(#"{"type":"progress","job":"\#(job)","phase":"\#(phase)","done":\#(s.steps - failed),"failed":\#(failed),"ts":\#(te)}"#)
            if p < s.phases - 1 { put(#"{"type":"phase.end","job":"\#(job)","phase":"\#(phase)","status":"done","ts":\#(te)}"#) }
        }
        return lines
    }

    static func write(_ bytes: [UInt8], to fd: Int32) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, min($0.count, 1 << 20), Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw NSError(domain: "memory bench: send failed (errno \(errno))", code: 1) }
            off += n
        }
    }

    /// A process's memory from /proc/PID/status (bytes): resident now, its peak, anonymous.
    struct Mem {
        var rss: Int; var hwm: Int; var anon: Int

        static func read(_ pid: Int32) -> Mem {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            func kb(_ key: String) -> Int {
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
                return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
            }
            return Mem(rss: kb("VmRSS"), hwm: kb("VmHWM"), anon: kb("RssAnon"))
        }
    }

    /// The engine child, with a line-based control channel on its stdin and stdout.
    final class Child: @unchecked Sendable {
        let socket: String
        let process = Process()
        private let input = Pipe(), output = Pipe()
        private var pending = Data()
        var pid: Int32 { process.processIdentifier }

        init(socket: String) throws {
            self.socket = socket
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["memory-engine", socket]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            _ = readLine()  // "ready"
        }

        func readLine() -> String {
            while true {
                if let i = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<i], as: UTF8.self)
                    pending = Data(pending[(i + 1)...])
                    return line
                }
                let d = output.fileHandleForReading.availableData
                if d.isEmpty { return "" }
                pending.append(d)
            }
        }

        /// Sends a command; returns the child's answer (its lines until "ok").
        @discardableResult
        func command(_ c: String) -> String {
            input.fileHandleForWriting.write(Data((c + "\n").utf8))
            var lines: [String] = []
            while true {
                let l = readLine()
                if l == "ok" || l.isEmpty { return lines.joined(separator: "\n") }
                lines.append(l)
            }
        }

        func memory() -> Mem { Mem.read(pid) }

        func stop() {
            input.fileHandleForWriting.write(Data("quit\n".utf8))
            process.waitUntilExit()
        }
    }

    // MARK: the child

    /// `memory-engine SOCKET`: an engine with no database on SOCKET, driven by commands on
    /// stdin: `timelines J S` (S seconds of samples for jobs mem-0..J-1, ending now), `live J`
    /// (a sample a second from now on), `census` (what the state holds), `quit`.
    static func engineChild(socket: String) throws {
        let engine = Engine()
        let server = EngineServer(engine: engine, socketPath: socket, sampleInterval: 0)
        try server.start()
        func answer(_ s: String = "") {
            if !s.isEmpty { print(s) }
            print("ok")
            fflush(nil)
        }
        print("ready")
        fflush(nil)
        while let line = Swift.readLine() {
            let words = line.split(separator: " ").map(String.init)
            switch words.first {
            case "timelines":
                let jobs = Int(words[1]) ?? 0, seconds = Int(words[2]) ?? 0
                let end = engine.clock.now()
                for i in 0..<seconds { engine.apply(reading(jobs: jobs, at: end - Double(seconds - i), i: i)) }
                answer()
            case "live":
                let jobs = Int(words[1]) ?? 0
                Thread {
                    var i = 0
                    while true {
                        engine.apply(reading(jobs: jobs, at: engine.clock.now(), i: i))
                        i += 1
                        Thread.sleep(forTimeInterval: 1)
                    }
                }.start()
                answer()
            case "census":
                answer(census(engine.snapshot().state))
            case "quit":
                server.stop()
                exit(0)
            default:
                answer("unknown command")
            }
        }
        server.stop()
    }

    /// One tick of made-up sampler figures for jobs mem-0..mem-(jobs-1).
    static func reading(jobs: Int, at t: Double, i: Int) -> SamplerReading {
        var trees: [String: TreeSample] = [:]
        for j in 0..<jobs {
            let wave = Double((i &* 7 &+ j &* 13) % 100)
            trees["mem-\(j)"] = TreeSample(cpuPercent: 20 + wave, cpuSeconds: 0.2 + wave / 100, rss: 200_000_000 + (i % 600) * 100_000,
                                           processes: 3, threads: 9, readBytes: 4096 * (i % 50), writeBytes: 1024 * (i % 30), interval: 1)
        }
        let host = HostSample(cpuPercent: 35, perCore: [30, 40], memTotal: 8 << 30, memAvailable: 5 << 30, swapTotal: 0, swapFree: 0,
                              load1: 1, load5: 1, load15: 1)
        return SamplerReading(at: t, host: host, jobs: trees)
    }

    /// What the state holds, counted.
    static func census(_ s: PipelineState) -> String {
        var phases = 0, kept = 0, folded = 0, rate = 0, logs = 0, fine = 0
        for job in s.jobs.values {
            phases += job.phases.count
            logs += job.logs.count
            fine += (job.resources?.cpu.count ?? 0) + (job.resources?.rss.count ?? 0)
            for p in job.phases {
                kept += p.steps.count
                folded += p.steps.dropped
                rate += s.estimates[job: job.id].rate(p.id).samples.count
            }
        }
        return "state: \(s.jobs.count) jobs, \(phases) phases, \(Format.count(kept)) steps kept in detail, \(Format.count(folded)) summarised, "
            + "\(Format.count(rate)) rate samples, \(Format.count(logs)) log lines, \(Format.count(fine)) per-second timeline values"
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
}

/// A value behind a lock (the bench's threads add up their counts).
final class Mutex2<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func with<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&value) } }
}
