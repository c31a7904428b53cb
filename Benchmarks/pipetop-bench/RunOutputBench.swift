import Foundation

/// What `pipetop run` costs a command that writes a lot: the command's wall time through
/// pipetop (its output relayed, its tail kept, with and without `--progress-from`) beside
/// the same command alone and the same command piped through `cat` (one pipe hop: the floor
/// of any relay), in the same run. No engine: the relay is what is measured.
enum RunOutputBench {
    static func main(quick: Bool) throws -> [Figure] {
        let pipetop = try pipetopBinary()
        let dir = NSTemporaryDirectory() + "pt-bench-run-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = quick ? 200_000 : 20_000_000
        let bulk = quick ? 100_000_000 : 2_000_000_000
        let lineFile = dir + "/lines"
        _ = try shell("seq 1 \(lines) > '\(lineFile)'")
        print("pipetop run: a command's wall time with its output relayed (median of \(quick ? 1 : 5); output to /dev/null)")
        print("command                            alone     | cat     via run   vs alone  vs | cat")
        var figures: [Figure] = []
        let none = dir + "/none.sock"
        let cases: [(String, [String], [String])] = [
            ("\(bulk / 1_000_000) MB of zeros", ["head", "-c", "\(bulk)", "/dev/zero"], []),
            ("\(fmt(Double(lines))) lines", ["cat", lineFile], []),
            ("\(fmt(Double(lines))) lines, --progress-from", ["cat", lineFile], ["--progress-from", "stdout"]),
        ]
        func quoted(_ words: [String]) -> String { words.map { "'\($0)'" }.joined(separator: " ") }
        for (name, command, flags) in cases {
            var alone: [Double] = [], piped: [Double] = [], through: [Double] = []
            for _ in 0..<(quick ? 1 : 5) {
                alone.append(try shell("\(quoted(command)) > /dev/null"))
                piped.append(try shell("\(quoted(command)) | cat > /dev/null"))
                through.append(try shell("\(quoted([pipetop, "run", "--socket", none] + flags + ["--"] + command)) > /dev/null 2>/dev/null"))
            }
            let a = alone.sorted()[alone.count / 2], c = piped.sorted()[piped.count / 2], t = through.sorted()[through.count / 2]
            print(name.padding(toLength: 32, withPad: " ", startingAt: 0)
                + String(format: " %7.3f s %7.3f s %7.3f s %8.2fx %8.2fx", a, c, t, t / max(a, 1e-6), t / max(c, 1e-6)))
            figures.append(Figure(name: "run output, \(name)", ours: String(format: "%.3f s", t),
                                  baseline: String(format: "%.3f s alone, %.3f s | cat", a, c),
                                  ratio: String(format: "%.2fx | cat", t / max(c, 1e-6)), target: "-", met: nil))
        }
        return figures
    }

    /// MB/s of `cat` of binary data (NULs, no line end), long lines (16 KiB) and short lines
    /// (35 bytes), alone, through `pipetop run` (progress read, the default) and through
    /// `pipetop run --no-progress`, in the same run: what reading progress costs the command.
    static func throughput(quick: Bool) throws -> [Figure] {
        let pipetop = try pipetopBinary()
        let dir = NSTemporaryDirectory() + "pt-bench-run-rate-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let size = quick ? 20_000_000 : 300_000_000
        let long = String(repeating: "x", count: 16_383)
        _ = try shell("head -c \(size) /dev/zero > '\(dir)/binary'")
        _ = try shell("yes '\(long)' | head -c \(size) > '\(dir)/long'")
        _ = try shell("yes 'a short line of text, 35 bytes....' | head -c \(size) > '\(dir)/short'")
        let rounds = quick ? 1 : 3
        print("pipetop run: MB/s of cat of \(size / 1_000_000) MB to /dev/null (median of \(rounds))")
        print("output              cat alone   via run   --no-progress   run vs alone")
        var figures: [Figure] = []
        let none = dir + "/none.sock"
        for name in ["binary", "long", "short"] {
            let file = "'\(dir)/\(name)'"
            var alone: [Double] = [], through: [Double] = [], bare: [Double] = []
            for _ in 0..<rounds {
                alone.append(try shell("cat \(file) > /dev/null"))
                through.append(try shell("'\(pipetop)' run --socket '\(none)' -- cat \(file) > /dev/null 2>/dev/null"))
                bare.append(try shell("'\(pipetop)' run --no-progress --socket '\(none)' -- cat \(file) > /dev/null 2>/dev/null"))
            }
            func rate(_ t: [Double]) -> Double { Double(size) / 1e6 / max(t.sorted()[t.count / 2], 1e-6) }
            let a = rate(alone), t = rate(through), b = rate(bare)
            let label = ["binary": "binary (NULs)", "long": "16 KiB lines", "short": "35-byte lines"][name]!
            print(label.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " %9.0f %9.0f %15.0f %13.2fx", a, t, b, t / a))
            figures.append(Figure(name: "run output MB/s, \(label)", ours: String(format: "%.0f MB/s", t),
                                  baseline: String(format: "%.0f MB/s alone, %.0f --no-progress", a, b),
                                  ratio: String(format: "%.2fx --no-progress", t / max(b, 1e-6)), target: "-", met: nil))
        }
        return figures
    }

    /// Runs `command` with /bin/sh; its wall time in seconds. (posix_spawn and waitpid:
    /// Foundation's Process notices an exit only every 50 ms or so.)
    private static func shell(_ command: String) throws -> Double {
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let t = Date()
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard rc == 0 else { throw BenchError("cannot start /bin/sh: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(t)
        guard status == 0 else { throw BenchError("`\(command)` ended with wait status \(status)") }
        return seconds
    }
}
