// pipetop-bench: figures for docs/PERFORMANCE.md. Each figure is printed beside a baseline
// measured in the same run, so the ratio holds on a noisy machine.
//
//   swift run -c release pipetop-bench all            every figure, then a summary table
//   swift run -c release pipetop-bench [ingest | sampling | clients | emit | overload | latency | terminal | bytes [--show] | run | run-rate | rules | eta] [--quick]
//   swift run -c release pipetop-bench memory [--quick] [--soak SECONDS]
import Foundation
import PipetopEngine
import PipetopWire

func now() -> Double { Date().timeIntervalSince1970 }

/// Starts a shell with `n` sleeping children; returns the shell's pid.
func spawnTree(_ n: Int) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "i=0; while [ $i -lt \(n - 1) ]; do sleep 120 & i=$((i+1)); done; exec sleep 120"]
    try p.run()
    return p
}

/// The naive way, for comparison: list the tree by scanning all of /proc for parents, and
/// read each process's stat with a fresh open (what a script would do).
func naiveSample(root: Int32) -> Int {
    var children: [Int32: [Int32]] = [:]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 1, let ppid = Int32(fields[1]) { children[ppid, default: []].append(pid) }
    }
    var total = 0, queue = [root]
    while let p = queue.popLast() {
        if let s = try? String(contentsOfFile: "/proc/\(p)/stat", encoding: .utf8) { total += s.count }
        queue.append(contentsOf: children[p] ?? [])
    }
    return total
}

/// The kernel's part alone: the same files of the same processes read into a buffer through
/// kept-open descriptors, nothing parsed. No reader of these files can be cheaper.
final class KernelFloor {
    private var fds: [Int32] = []
    private var buffer = [UInt8](repeating: 0, count: 4096)

    init(root: Int32) {
        var queue = [root]
        while let pid = queue.popLast() {
            for name in ["stat", "io", "task/\(pid)/children"] {
                let fd = open("/proc/\(pid)/\(name)", O_RDONLY | O_CLOEXEC)
                if fd >= 0 { fds.append(fd) }
            }
            if let kids = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) {
                queue.append(contentsOf: kids.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            }
        }
    }
    deinit { for fd in fds { close(fd) } }

    func read() {
        buffer.withUnsafeMutableBytes { b in for fd in fds { _ = pread(fd, b.baseAddress, b.count, 0) } }
    }
}

func sampling(quick: Bool) throws -> [Figure] {
    print("Sampling one job's process tree (µs per sample; median of \(quick ? 5 : 30))")
    print("processes    pipetop   kernel floor   naive /proc   vs naive   per process")
    var figures: [Figure] = []
    for n in quick ? [1, 100] : [1, 100, 1000] {
        let tree = try spawnTree(n)
        // Children first: once the parent is gone they belong to init and pkill -P misses them.
        defer { system("pkill -P \(tree.processIdentifier) sleep 2>/dev/null"); kill(tree.processIdentifier, SIGTERM) }
        let reader = ProcessTreeReader(root: tree.processIdentifier)
        // Wait until every child exists.
        var seen = 0
        for _ in 0..<1200 {
            seen = reader.sample(at: now())?.processes ?? 0
            if seen >= n { break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        let floor = KernelFloor(root: tree.processIdentifier)
        func median(_ body: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0..<(quick ? 5 : 30) {
                let t = now()
                body()
                times.append((now() - t) * 1e6)
            }
            return times.sorted()[times.count / 2]
        }
        // Interleaved, so that a burst of load on the machine hits all three alike.
        var ours: [Double] = [], kernel: [Double] = [], naive: [Double] = []
        for _ in 0..<3 {
            ours.append(median { _ = reader.sample(at: now()) })
            kernel.append(median { floor.read() })
            naive.append(median { _ = naiveSample(root: tree.processIdentifier) })
        }
        let o = ours.sorted()[1], k = kernel.sorted()[1], v = naive.sorted()[1]
        print(String(format: "%-10d %9.0f %14.0f %13.0f %9.1fx %13.1f", seen, o, k, v, v / o, o / Double(max(1, seen))))
        figures.append(Figure(name: "/proc sample, \(seen) processes", ours: "\(fmt(o)) µs", baseline: "\(fmt(k)) µs kernel floor; \(fmt(v)) µs naive",
                              ratio: String(format: "%.2fx floor", o / k), target: n == 1000 ? "< 5,000 µs" : "-", met: n == 1000 ? o < 5000 : nil))
    }
    return figures
}

let what = CommandLine.arguments.dropFirst().first ?? "sampling"
switch what {
case "sampling": _ = try sampling(quick: CommandLine.arguments.contains("--quick"))
case "ingest": _ = try IngestBench.main(quick: CommandLine.arguments.contains("--quick"))
case "all":
    // Every figure of docs/PERFORMANCE.md, then one summary table.
    let quick = CommandLine.arguments.contains("--quick")
    var figures: [Figure] = []
    figures += try IngestBench.main(quick: quick)
    print()
    figures += try LatencyBench.main(quick: quick)
    print()
    figures += try TerminalCostBench.main(quick: quick)
    print()
    figures += try BytesBench.main(quick: quick, show: false)
    print()
    figures += try sampling(quick: quick)
    print()
    figures += try ClientBench.main(quick: quick)
    print()
    figures += try EmitBench.main(quick: quick)
    print()
    figures += try OverloadBench.main(quick: quick)
    print()
    figures += try MemoryBench.main(args: quick ? ["--quick"] : [])
    print()
    figures += try RunOutputBench.main(quick: quick)
    print()
    figures += try RunOutputBench.throughput(quick: quick)
    print()
    figures += try RulesBench.main(quick: quick)
    print("\nSummary (\(quick ? "quick run: proves the benchmarks work; figures are not meaningful" : "full run"))")
    Figure.printTable(figures)
case "rules": _ = try RulesBench.main(quick: CommandLine.arguments.contains("--quick"))
case "run-rate": _ = try RunOutputBench.throughput(quick: CommandLine.arguments.contains("--quick"))
case "run":
    _ = try RunOutputBench.main(quick: CommandLine.arguments.contains("--quick"))
    print()
    _ = try RunOutputBench.throughput(quick: CommandLine.arguments.contains("--quick"))
case "clients": _ = try ClientBench.main(quick: CommandLine.arguments.contains("--quick"))
case "emit": _ = try EmitBench.main(quick: CommandLine.arguments.contains("--quick"))
case "overload": _ = try OverloadBench.main(quick: CommandLine.arguments.contains("--quick"))
case "memory": _ = try MemoryBench.main(args: Array(CommandLine.arguments.dropFirst(2)))
case "memory-engine": try MemoryBench.engineChild(socket: CommandLine.arguments[2])
case "latency": _ = try LatencyBench.main(quick: CommandLine.arguments.contains("--quick"))
case "terminal": _ = try TerminalCostBench.main(quick: CommandLine.arguments.contains("--quick"))
case "bytes": _ = try BytesBench.main(quick: CommandLine.arguments.contains("--quick"), show: CommandLine.arguments.contains("--show"))
case "eta":
    let args = Array(CommandLine.arguments.dropFirst(2))
    if let i = args.firstIndex(of: "--show"), i + 1 < args.count, let kind = TraceKind(rawValue: args[i + 1]) {
        ETABench.show(kind, runs: 8)
    } else if let i = args.firstIndex(of: "--write"), i + 1 < args.count {
        try ETABench.write(to: args[i + 1], runs: 8)
    } else {
        let seed = args.firstIndex(of: "--seed").flatMap { $0 + 1 < args.count ? UInt64(args[$0 + 1]) : nil } ?? 42
        let runs = args.firstIndex(of: "--runs").flatMap { $0 + 1 < args.count ? Int(args[$0 + 1]) : nil }
        // `--kinds warmup,training`: only those kinds (for a quick look at one lever).
        let named = args.firstIndex(of: "--kinds").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        let kinds = named.map { $0.split(separator: ",").compactMap { TraceKind(rawValue: String($0)) } } ?? TraceKind.allCases
        guard !kinds.isEmpty else {
            FileHandle.standardError.write(Data("pipetop-bench: --kinds names none of \(TraceKind.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        ETABench.main(runs: args.contains("--quick") ? 3 : max(5, runs ?? 20), seed: seed, kinds: kinds)
    }
default:
    FileHandle.standardError.write(Data("usage: pipetop-bench [all [--quick] | sampling | ingest [--quick] | clients [--quick] | emit [--quick] | run [--quick] | rules [--quick] | overload [--quick] | latency [--quick] | terminal [--quick] | bytes [--quick] [--show] | memory [--quick] [--soak SECONDS] [--every SECONDS] [--rate EVENTS] | eta [--quick] [--seed N] [--runs N] [--kinds K,K] | eta --show KIND | eta --write DIR]\n".utf8))
    exit(2)
}
