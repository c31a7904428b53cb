import Foundation
import PipetopClient
#if canImport(Glibc)
import Glibc
#endif

/// Rule evaluation at the documented limits: an idle engine holding the most jobs, each with
/// the most rules it may declare, beside the same engine with the same jobs and no rules of
/// their own (the built-in rules run in both), measured in the same run at the same time.
/// Per engine: its CPU (share of one core, from /proc/PID/stat) while nothing is sent, and
/// the round trip of a client's `sync` (p50 and p99).
///
/// Two loads: 10,000 unfinished jobs (the limit) x 32 job rules (the limit), one running
/// phase each; and 1,000 jobs x 20 running phases x 32 phase rules (the case issue 17 measured
/// at 18 s a `sync`). Rules are ones that never fire: the cost measured is looking.
enum RulesBench {
    struct Load {
        var name: String
        var jobs: Int
        var phases: Int
        var rules: Int
        var metric: String

        /// One job.start (with its rules unless `bare`) and its phases started.
        func lines(job j: Int, bare: Bool) -> String {
            let phaseIds = (0..<phases).map { "\"p\($0)\"" }.joined(separator: ",")
            var rulesJSON = ""
            if !bare {
                // Never fire: `< -1` on a value that is never negative.
                rulesJSON = ",\"rules\":[" + (0..<rules).map { #"{"name":"r\#($0)","metric":"\#(metric)","op":"<","value":-1}"# }
                    .joined(separator: ",") + "]"
            }
            var text = #"{"type":"job.start","job":"j\#(j)","name":"job \#(j)","phases":[\#(phaseIds)]\#(rulesJSON)}"# + "\n"
            for p in 0..<phases { text += #"{"type":"phase.start","job":"j\#(j)","phase":"p\#(p)","total":1000}"# + "\n" }
            return text
        }
    }

    static func main(quick: Bool) throws -> [Figure] {
        let loads = quick
            ? [Load(name: "500 jobs x 32 job rules", jobs: 500, phases: 1, rules: 32, metric: "job.cpu"),
               Load(name: "50 jobs x 20 phases x 32 phase rules", jobs: 50, phases: 20, rules: 32, metric: "phase.rate")]
            : [Load(name: "10,000 jobs x 32 job rules", jobs: 10_000, phases: 1, rules: 32, metric: "job.cpu"),
               Load(name: "1,000 jobs x 20 phases x 32 phase rules", jobs: 1_000, phases: 20, rules: 32, metric: "phase.rate")]
        let window = quick ? 4.0 : 20.0
        print("Rule evaluation at the limits: an idle engine (child process, no database), \(Int(window)) s, beside the same jobs with no rules of their own")
        print(pad("load", 44, left: true) + pad("engine", 12) + pad("CPU", 8) + pad("sync p50", 10) + pad("sync p99", 10))
        var figures: [Figure] = []
        for load in loads {
            let dir = "/tmp/pt-rules-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            fflush(nil)
            let bare = try MemoryBench.Child(socket: dir + "/bare.sock")
            defer { bare.stop() }
            let ruled = try MemoryBench.Child(socket: dir + "/rules.sock")
            defer { ruled.stop() }
            try feed(load, bare: true, socket: bare.socket)
            try feed(load, bare: false, socket: ruled.socket)
            Thread.sleep(forTimeInterval: 2)  // let the load's own work settle
            let (b, r) = try measure(bare, ruled, seconds: window)
            for (label, m) in [("baseline", b), ("rules", r)] {
                print(pad(load.name, 44, left: true) + pad(label, 12) + pad(String(format: "%.1f%%", m.cpu), 8)
                      + pad(String(format: "%.1f ms", m.p50), 10) + pad(String(format: "%.1f ms", m.p99), 10))
            }
            figures.append(Figure(name: "idle engine CPU, \(load.name)", ours: String(format: "%.1f%% of a core", r.cpu),
                                  baseline: String(format: "%.1f%% without rules", b.cpu), ratio: String(format: "%+.1f points", r.cpu - b.cpu),
                                  target: "< 5%", met: r.cpu < 5))
            figures.append(Figure(name: "sync p99, \(load.name)", ours: String(format: "%.1f ms", r.p99),
                                  baseline: String(format: "%.1f ms without rules", b.p99), ratio: String(format: "%.2fx", r.p99 / max(0.01, b.p99)),
                                  target: "< 50 ms", met: r.p99 < 50))
        }
        return figures
    }

    static func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, n - s.count))
        return left ? s + fill : fill + s
    }

    static func feed(_ load: Load, bare: Bool, socket: String) throws {
        let c = try EngineConnection(path: socket)
        defer { c.close() }
        var text = ""
        for j in 0..<load.jobs {
            text += load.lines(job: j, bare: bare)
            if text.utf8.count > 1 << 20 { try c.send(text); text = "" }
        }
        try c.send(text)
        let errors = try c.sync(timeout: 600)
        if !errors.isEmpty { print("the engine refused part of the load: \(errors.prefix(3))") }
    }

    struct Measured { var cpu: Double; var p50: Double; var p99: Double }

    /// Both engines at once: their CPU over `seconds`, and `sync` round trips sent to each in
    /// turn every 50 ms.
    static func measure(_ a: MemoryBench.Child, _ b: MemoryBench.Child, seconds: Double) throws -> (Measured, Measured) {
        let ca = try EngineConnection(path: a.socket), cb = try EngineConnection(path: b.socket)
        defer { ca.close(); cb.close() }
        let startA = cpuSeconds(a.pid), startB = cpuSeconds(b.pid)
        let t0 = monotonic()
        var ra: [Double] = [], rb: [Double] = []
        var n = 0
        while monotonic() - t0 < seconds {
            for (c, i) in [(ca, 0), (cb, 1)] {
                let s = monotonic()
                _ = try c.sync(timeout: 60, durable: false)
                let ms = (monotonic() - s) * 1000
                if i == 0 { ra.append(ms) } else { rb.append(ms) }
            }
            n += 1
            let wait = t0 + Double(n) * 0.05 - monotonic()
            if wait > 0 { usleep(UInt32(wait * 1e6)) }
        }
        let elapsed = monotonic() - t0
        func pct(_ v: [Double], _ q: Double) -> Double {
            let s = v.sorted()
            return s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * q))]
        }
        let ma = Measured(cpu: (cpuSeconds(a.pid) - startA) / elapsed * 100, p50: pct(ra, 0.5), p99: pct(ra, 0.99))
        let mb = Measured(cpu: (cpuSeconds(b.pid) - startB) / elapsed * 100, p50: pct(rb, 0.5), p99: pct(rb, 0.99))
        return (ma, mb)
    }

    /// User plus system CPU seconds of a process, from /proc/PID/stat.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime 14, stime 15 (1-based over the whole line).
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
