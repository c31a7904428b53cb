// pipetop-bench: figures for docs/PERFORMANCE.md. Each figure is printed beside a baseline
// measured in the same run, so the ratio holds on a noisy machine.
//
//   swift run -c release pipetop-bench [sampling | ingest | eta | latency | terminal | bytes [--show]] [--quick]
import Foundation
import PipetopEngine
import PipetopWire

func now() -> Double { Date().timeIntervalSince1970 }

/// Starts a shell with `n` sleeping children; returns the shell's pid.
func spawnTree(_ n: Int) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "i=0; while [ $i -lt \(n - 1) ]; do sleep 120 & i=$((i+1)); done; wait"]
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

func sampling() throws {
    print("Sampling one job's process tree (µs per sample; median of 30)")
    print(String(format: "%-10@ %12@ %14@ %10@ %8@", "processes", "pipetop", "naive /proc", "ratio", "per proc"))
    for n in [1, 100, 1000] {
        let tree = try spawnTree(n)
        defer { kill(tree.processIdentifier, SIGTERM); system("pkill -P \(tree.processIdentifier) sleep 2>/dev/null") }
        let reader = ProcessTreeReader(root: tree.processIdentifier)
        // Wait until every child exists.
        var seen = 0
        for _ in 0..<1200 {
            seen = reader.sample(at: now())?.processes ?? 0
            if seen >= n { break }
            Thread.sleep(forTimeInterval: 0.025)
        }
        func median(_ body: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0..<30 {
                let t = now()
                body()
                times.append((now() - t) * 1e6)
            }
            return times.sorted()[times.count / 2]
        }
        let ours = median { _ = reader.sample(at: now()) }
        let naive = median { _ = naiveSample(root: tree.processIdentifier) }
        print(String(format: "%-10d %12.0f %14.0f %9.1fx %8.1f", seen, ours, naive, naive / ours, ours / Double(max(1, seen))))
    }
}

let what = CommandLine.arguments.dropFirst().first ?? "sampling"
switch what {
case "sampling": try sampling()
case "ingest": try IngestBench.main(quick: CommandLine.arguments.contains("--quick"))
case "latency": try LatencyBench.main(quick: CommandLine.arguments.contains("--quick"))
case "terminal": try TerminalCostBench.main(quick: CommandLine.arguments.contains("--quick"))
case "bytes": try BytesBench.main(quick: CommandLine.arguments.contains("--quick"), show: CommandLine.arguments.contains("--show"))
case "eta":
    let args = Array(CommandLine.arguments.dropFirst(2))
    if let i = args.firstIndex(of: "--show"), i + 1 < args.count, let kind = TraceKind(rawValue: args[i + 1]) {
        ETABench.show(kind, runs: 8)
    } else if let i = args.firstIndex(of: "--write"), i + 1 < args.count {
        try ETABench.write(to: args[i + 1], runs: 8)
    } else {
        let seed = args.firstIndex(of: "--seed").flatMap { $0 + 1 < args.count ? UInt64(args[$0 + 1]) : nil } ?? 42
        ETABench.main(quick: args.contains("--quick"), seed: seed)
    }
default:
    FileHandle.standardError.write(Data("usage: pipetop-bench [sampling | ingest [--quick] | latency [--quick] | terminal [--quick] | bytes [--quick] [--show] | eta [--quick] [--seed N] | eta --show KIND | eta --write DIR]\n".utf8))
    exit(2)
}
