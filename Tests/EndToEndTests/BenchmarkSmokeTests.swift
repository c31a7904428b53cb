import Foundation
import Testing

/// The benchmark (`pipetop-bench all`) is not a test, but it must keep working: its quick mode
/// runs here (a debug build, so no figure means anything) and every figure of the summary
/// must be there. Nothing is timed.
@Suite("Benchmark still runs")
struct BenchmarkSmokeTests {
    @Test(.timeLimit(.minutes(15))) func theQuickBenchmarkPrintsEveryFigure() throws {
        let bench = URL(fileURLWithPath: pipetopBinary).deletingLastPathComponent().appendingPathComponent("pipetop-bench").path
        let dir = try scratchDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Into a file, not a pipe: processes the benchmark starts must not hold our pipe open.
        let log = dir + "/bench.log"
        let r = try runProcess("/bin/sh", ["-c", "exec \"$0\" all --quick > \"$1\" 2>&1", bench, log])
        let out = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(r.status == 0, "pipetop-bench all --quick exited \(r.status):\n\(out.suffix(3000))")
        let summary = out.components(separatedBy: "\nSummary").last ?? ""
        for figure in ["ingest, 1 client", "ingest, 8 clients", "latency to screen", "dashboard attached: idle CPU", "dashboard attached: CPU, 50 jobs", "dashboard local: idle CPU", "dashboard local: CPU, 50 jobs",
                       "bytes per refresh 80x24", "bytes per refresh 200x60", "/proc sample, 100 processes", "Swift client advance()",
                       "Python client advance()", "x pipetop emit (journaling daemon)", "producers + stalled viewers", "engine RSS", "soak RSS",
                       "run output, 100 MB of zeros", "run output, 200,000 lines, --progress-from",
                       "idle engine CPU, 50 jobs x 20 phases x 32 phase rules", "sync p99, 500 jobs x 32 job rules"] {
            #expect(summary.contains(figure), "the summary lacks '\(figure)'")
        }
    }
}
