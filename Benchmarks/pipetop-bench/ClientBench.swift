import Foundation
import PipetopClient

/// What reporting costs the program that reports: one `advance()` of the Python, Node and
/// Swift clients, each beside an empty loop in the same language and the same run, with a
/// real engine listening.
enum ClientBench {
    static func main(quick: Bool) throws -> [Figure] {
        let n = quick ? 200_000 : 5_000_000
        let engine = try BenchEngine(name: "client")
        defer { engine.stop() }

        PipetopReport.socket = engine.socket
        var perCall = 0.0, empty = 0.0
        PipetopReport.job("bench-swift", id: "bench-swift") { job in
            job.phase("loop", total: n) { ph in
                let t0 = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<n { ph.advance() }
                perCall = Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n)
                // The baseline: the same loop calling a function that counts (not inlined,
                // so the loop is not folded away).
                let counter = Counter()
                let t1 = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<n { counter.add(1) }
                empty = Double(DispatchTime.now().uptimeNanoseconds - t1) / Double(n)
                if counter.value == -1 { print(counter.value) }
            }
        }
        _ = PipetopReport.flush()
        var figures = [Figure(name: "Swift client advance()", ours: "\(fmt(perCall, 1)) ns", baseline: "\(fmt(empty, 1)) ns empty loop",
                              ratio: String(format: "%.1fx", perCall / max(empty, 0.01)), target: "-", met: nil)]
        figures[0].baseline = "\(fmt(empty, 1)) ns counting call"

        let python = try pythonAdvance(socket: engine.socket, n: n)
        if let (call, loop) = python {
            figures.append(Figure(name: "Python client advance()", ours: "\(fmt(call)) ns", baseline: "\(fmt(loop)) ns empty loop",
                                  ratio: String(format: "%.1fx", call / max(loop, 0.01)), target: "-", met: nil))
        }
        if let (call, loop) = try nodeAdvance(socket: engine.socket, n: n) {
            figures.append(Figure(name: "Node client advance()", ours: "\(fmt(call, 1)) ns", baseline: "\(fmt(loop, 1)) ns counting call",
                                  ratio: String(format: "%.1fx", call / max(loop, 0.01)), target: "-", met: nil))
        }
        print("Client cost: one advance() against an empty loop, engine listening")
        Figure.printTable(figures)
        return figures
    }

    final class Counter {
        var value = 0
        @inline(never) func add(_ n: Int) { value &+= n }
    }

    /// Runs the Node client from clients/node; nil when node is missing. The baseline is a
    /// method that adds to a counter, as advance() does without the client's checks.
    static func nodeAdvance(socket: String, n: Int) throws -> (Double, Double)? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../clients/node").standardized.path
        let script = """
        const pipetop = require(\(String(reflecting: root)));
        const n = \(n);
        class Counter { constructor() { this.value = 0; } add(k) { this.value += k; return this; } }
        pipetop.job('bench-node', { id: 'bench-node' }, (job) => job.phase('loop', { total: n }, (ph) => {
          let t = process.hrtime.bigint();
          for (let i = 0; i < n; i++) ph.advance();
          const call = Number(process.hrtime.bigint() - t) / n;
          const c = new Counter();
          t = process.hrtime.bigint();
          for (let i = 0; i < n; i++) c.add(1);
          const empty = Number(process.hrtime.bigint() - t) / n;
          if (c.value === -1) console.log(c.value);
          return [call, empty];
        })).then(([call, empty]) => console.log(call, empty));
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["node", "-e", script]
        var env = ProcessInfo.processInfo.environment
        env["PIPETOP_SOCKET"] = socket
        env.removeValue(forKey: "PIPETOP_JOB")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let parts = String(decoding: data, as: UTF8.self).split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard p.terminationStatus == 0, parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }

    /// Runs the Python client from clients/python; nil when python3 is missing.
    static func pythonAdvance(socket: String, n: Int) throws -> (Double, Double)? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../clients/python").standardized.path
        let script = """
        import time, pipetop
        n = \(n)
        with pipetop.job("bench-python", id="bench-python") as job:
            with job.phase("loop", total=n) as ph:
                t = time.perf_counter_ns()
                for _ in range(n):
                    ph.advance()
                call = (time.perf_counter_ns() - t) / n
                t = time.perf_counter_ns()
                for _ in range(n):
                    pass
                empty = (time.perf_counter_ns() - t) / n
        print(call, empty)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = root
        env["PIPETOP_SOCKET"] = socket
        env.removeValue(forKey: "PIPETOP_JOB")
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let parts = String(decoding: data, as: UTF8.self).split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard p.terminationStatus == 0, parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }
}
