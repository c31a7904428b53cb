import Foundation

/// What `pipetop run` costs a command that writes a lot: the command's wall time through
/// pipetop (its output relayed, its tail kept, with and without `--progress-from`) beside
/// the same command alone, in the same run. No engine: the relay is what is measured.
enum RunOutputBench {
    static func main(quick: Bool) throws -> [Figure] {
        let pipetop = try pipetopBinary()
        let dir = NSTemporaryDirectory() + "pt-bench-run-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = quick ? 200_000 : 3_000_000
        let bulk = quick ? 100_000_000 : 2_000_000_000
        let lineFile = dir + "/lines"
        _ = try shell("seq 1 \(lines) > '\(lineFile)'")
        print("pipetop run: a command's wall time with its output relayed (median of \(quick ? 1 : 5); output to /dev/null)")
        print("command                         alone     via run   ratio")
        var figures: [Figure] = []
        let none = dir + "/none.sock"
        let cases: [(String, [String], [String])] = [
            ("\(bulk / 1_000_000) MB of zeros", ["head", "-c", "\(bulk)", "/dev/zero"], []),
            ("\(fmt(Double(lines))) lines", ["cat", lineFile], []),
            ("\(fmt(Double(lines))) lines, --progress-from", ["cat", lineFile], ["--progress-from", "stdout"]),
        ]
        func quoted(_ words: [String]) -> String { words.map { "'\($0)'" }.joined(separator: " ") }
        for (name, command, flags) in cases {
            var alone: [Double] = [], through: [Double] = []
            for _ in 0..<(quick ? 1 : 5) {
                alone.append(try shell("\(quoted(command)) > /dev/null"))
                through.append(try shell("\(quoted([pipetop, "run", "--socket", none] + flags + ["--"] + command)) > /dev/null 2>/dev/null"))
            }
            let a = alone.sorted()[alone.count / 2], t = through.sorted()[through.count / 2]
            print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " %7.3f s %9.3f s %6.2fx", a, t, t / max(a, 1e-6)))
            figures.append(Figure(name: "run output, \(name)", ours: String(format: "%.3f s", t), baseline: String(format: "%.3f s alone", a),
                                  ratio: String(format: "%.2fx", t / max(a, 1e-6)), target: "-", met: nil))
        }
        return figures
    }

    /// Runs `command` with /bin/sh; its wall time in seconds.
    private static func shell(_ command: String) throws -> Double {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let t = Date()
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("`\(command)` exited \(p.terminationStatus)") }
        return Date().timeIntervalSince(t)
    }
}
