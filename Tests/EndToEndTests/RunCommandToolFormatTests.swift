import Foundation
import Testing
@testable import pipetop

/// Lines as the real tools wrote them, captured here in a pipe and on a pty (GNU parallel
/// 20221122, rsync 3.2.7, pv 1.6.20, GNU coreutils dd, GNU make 4.3, tqdm, rich, enlighten,
/// alive-progress from pip), each read as the progress it shows.
@Suite("pipetop run reads the tools' own formats")
struct RunCommandToolFormatTests {
    private static let esc = "\u{1B}"

    private func read(_ line: String, _ reading: ProgressParser.Reading = .detected) -> ToolProgress.Amount? {
        ProgressParser.progress(line, reading: reading)?.amount
    }

    @Test func parallelsBarThroughItsColours() {
        // parallel --bar on stderr: a zenity line, a bare percentage, then the bar in reverse video.
        let redraw = "\r\r#   0 sec 4" + String(repeating: " ", count: 69) + "\r40\r\(Self.esc)[7m40% 2:3=0s 4                    \(Self.esc)[0m            \(Self.esc)[0m"
        #expect(read(redraw) == .counts(done: 2, total: 5))
        #expect(read("\(Self.esc)[7m100% 5:0=0s 5   \(Self.esc)[0m\(Self.esc)[0m") == .counts(done: 5, total: 5))
        #expect(read("\(Self.esc)[7m\(Self.esc)[0m0% 0:5=0s 2   \(Self.esc)[0m") == .counts(done: 0, total: 5))
    }

    @Test func parallelsEtaIsCompletedOfCompletedPlusLeft() {
        // "local:2/7/100%/0.6s" is 2 running and 7 completed on this host: 7 done of 7 + 3.
        #expect(read("ETA: 12s Left: 3 AVG: 0.50s  local:2/7/100%/0.6s") == .counts(done: 7, total: 10))
        #expect(read("\rETA: 0s Left: 3 AVG: 0.00s  local:1/2/100%/0.0s ") == .counts(done: 2, total: 5))
        #expect(read("ETA: 0s Left: 0 AVG: 0.00s  local:0/5/100%/0.0s ") == .counts(done: 5, total: 5))
        // Two hosts: their completed jobs add up.
        #expect(read("ETA: 4s Left: 6 AVG: 0.20s  local:2/3/50%/0.2s  server:1/3/50%/0.3s") == .counts(done: 6, total: 12))
    }

    @Test func rsyncProgress2() {
        let line = "\r        200,000   5%   39.87MB/s    0:00:00 (xfr#1, to-chk=19/21)\r        400,000  10%   70.04MB/s    0:00:00 (xfr#2, to-chk=18/21)"
        #expect(read(line) == .counts(done: 3, total: 21))
        #expect(read("      4,000,000 100%  420.38MB/s    0:00:00 (xfr#20, to-chk=0/21)") == .counts(done: 21, total: 21))
        // Before the first file: only its percentage.
        #expect(read("\r         32,768   0%    0.00kB/s    0:00:00  ") == .percent(0))
        // A line cut in the middle of the total is not read as a smaller one.
        #expect(read("   400,000  10%   70.04MB/s    0:00:00 (xfr#2, to-chk=18/2") == nil)
    }

    @Test func pvNumericOnlyWhenTheCommandLineRunsIt() {
        #expect(read("34", ProgressParser.Reading(chosen: false, pv: .percent)) == .percent(34))
        #expect(read("10485760", ProgressParser.Reading(chosen: false, pv: .bytes)) == .bytes(10_485_760))
        #expect(read("34") == nil, "a bare number means nothing without pv -n")
        #expect(CommandHints(argv: ["pv", "-n", "big"]).pv == .percent)
        #expect(CommandHints(argv: ["sh", "-c", "pv -nL 10m big | gzip > big.gz"]).pv == .percent)
        #expect(CommandHints(argv: ["pv", "-n", "-b", "big"]).pv == .bytes)
        #expect(CommandHints(argv: ["pv", "big"]).pv == nil)
        #expect(CommandHints(argv: ["sort", "-n", "file"]).pv == nil)
    }

    @Test func pvsBar() {
        #expect(read("10.0MiB 0:00:01 [9.57MiB/s] [==========>                       ] 34% ETA 0:00:01\r20.0MiB 0:00:02 [10.4MiB/s] [======================>           ] 69% ETA 0:00:00") == .percent(69))
        #expect(read("28.6MiB 0:00:02 [10.0MiB/s] [================================>] 100%            ") == .percent(100))
    }

    @Test func ddBytesWithNoTotal() {
        #expect(read("\r10551296 bytes (11 MB, 10 MiB) copied, 1 s, 10.5 MB/s\r21037056 bytes (21 MB, 20 MiB) copied, 2 s, 10.4 MB/s") == .bytes(21_037_056))
        #expect(read("30000000 bytes (30 MB, 29 MiB) copied, 2.84713 s, 10.5 MB/s") == .bytes(30_000_000))
        #expect(read("366+455 records out") == nil)
    }

    @Test func tqdmAndEnlighten() {
        #expect(read(" 43%|████▎     | 3/7 [00:00<00:00,  6.65it/s]") == .counts(done: 3, total: 7))
        // enlighten on a pty: cursor moves and a DSR query around the bar.
        let enlighten = "\(Self.esc)[1;1H\(Self.esc)[6n\(Self.esc)[0;1H\r\(Self.esc)[KBasic  29%|| 2/7 [00:02<00:06, 0.87 ticks/s]\(Self.esc)[1;1H\(Self.esc)[1;1H\(Self.esc)[?12l\(Self.esc)[?25h"
        #expect(read(enlighten) == .counts(done: 2, total: 7))
        // unit_scale: only the percentage is exact.
        #expect(read(" 12%|█▏        | 1.20k/10.0k [00:01<00:08, 1.0kit/s]") == .percent(12))
    }

    @Test func richsDefaultColumnsAndItsCounts() {
        let bar = String(repeating: "━", count: 17)
        let line = "\r\(Self.esc)[2KProcessing \(Self.esc)[91m\(bar)\(Self.esc)[0m\(Self.esc)[91m╸\(Self.esc)[0m\(Self.esc)[90m\(bar)\(Self.esc)[0m \(Self.esc)[35m 43%\(Self.esc)[0m \(Self.esc)[36m0:00:01\(Self.esc)[0m"
        #expect(read(line) == .percent(43))
        #expect(read("Processing \(bar) \(Self.esc)[35m  0%\(Self.esc)[0m \(Self.esc)[36m-:--:--\(Self.esc)[0m") == .percent(0))
        #expect(read("Processing \(bar) 3/7 0:00:01") == .counts(done: 3, total: 7))
    }

    @Test func aliveProgress() {
        #expect(read("\r|██████████▊                             | ▃▅▇ 2/7 [29%] in 0s (~1s, 5.4/s) ") == .counts(done: 2, total: 7))
        #expect(read("|████████████████████████████████████████| 7/7 [100%] in 1.1s (6.66/s) ") == .counts(done: 7, total: 7))
    }

    @Test func makeTraceTargetsAndErrors() {
        #expect(MakeTrace.read("Makefile:3: target 'a' does not exist") == .init(target: "a"))
        #expect(MakeTrace.read("Makefile:5: update target 'b' due to: a") == .init(target: "b"))
        #expect(MakeTrace.read("make: *** [Makefile:5: b] Error 1") == .init(target: "b", error: "Error 1"))
        #expect(MakeTrace.read("make[2]: *** [sub/Makefile:9: out/x.o] Error 2") == .init(target: "out/x.o", error: "Error 2"))
        #expect(MakeTrace.read("echo making a") == nil)
        #expect(MakeTrace.read("the target 'x' is nice") == nil)
    }

    @Test func parallelsJoblog() {
        #expect(ParallelJoblog.read("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand") == nil)
        let e = ParallelJoblog.read("3\t:\t1764646000.123\t     0.052\t0\t2\t1\t0\tsh -c 'exit 1' 3")
        #expect(e?.command == "sh -c 'exit 1' 3")
        #expect(e?.failed == true)
        #expect(e?.detail == "exit status 1 after 0.05 s")
        #expect(CommandHints(argv: ["parallel", "--joblog", "jl.tsv", "echo", ":::", "a"], directory: "/w").joblog?.path == "/w/jl.tsv")
        #expect(CommandHints(argv: ["parallel", "--joblog", "+/tmp/jl", "echo"]).joblog?.appends == true)
        #expect(CommandHints(argv: ["parallel", "--joblog=/tmp/jl", "echo"]).joblog?.path == "/tmp/jl")
    }

    /// Mixed output (a training script): once a tool's bar has been seen, a date such as
    /// 12/31 on a line of its own no longer moves the bar; before it, only a counter alone
    /// on its line is read by default.
    @Test func proseCountsAreReadOnlyWhereUnambiguous() {
        #expect(read("Epoch 3/10") == .counts(done: 3, total: 10))
        #expect(read("[3/10]") == .counts(done: 3, total: 10))
        #expect(read("processed 120/1000 files") == nil, "prose counts are read only with --progress-from")
        #expect(read("processed 120/1000 files", .chosenStream) == .counts(done: 120, total: 1000))
        #expect(read("saved at 2024/11/23 12:00") == nil)
        #expect(read("12/31/2026") == nil)
        #expect(GenericCounts.isGeneric(ProgressParser.progress("12/31", reading: .detected)!))
    }
}
