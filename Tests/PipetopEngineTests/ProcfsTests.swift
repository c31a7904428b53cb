import Foundation
import Testing
@testable import PipetopCore
@testable import PipetopEngine

func withBytes<T>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
    Array(s.utf8).withUnsafeBufferPointer(body)
}

@Suite("/proc parsers")
struct ProcParseTests {
    @Test func theLowestCgroupMemoryLimitOnThePathApplies() throws {
        let root = NSTemporaryDirectory() + "cg-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        func write(_ path: String, _ value: String) throws {
            try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
            try value.write(toFile: root + path + (path.contains("/memory/") || path == "/memory" ? "/memory.limit_in_bytes" : "/memory.max"), atomically: false, encoding: .utf8)
        }
        // cgroup v2: the job's group is unlimited, its parent is not.
        try write("/batch.slice", "8589934592\n")
        try write("/batch.slice/job-7.scope", "max\n")
        #expect(ProcessTreeReader.memoryLimit(cgroupFile: "0::/batch.slice/job-7.scope\n", root: root) == 8_589_934_592)
        // cgroup v1: "no limit" is written as about 2^63.
        try write("/memory/docker/abc", "2147483648\n")
        try write("/memory/docker", "9223372036854771712\n")
        #expect(ProcessTreeReader.memoryLimit(cgroupFile: "4:memory:/docker/abc\n1:cpu:/\n", root: root) == 2_147_483_648)
        #expect(ProcessTreeReader.memoryLimit(cgroupFile: "0::/elsewhere\n", root: root) == nil)
    }

    @Test func procStatCountsFieldsFromTheLastParenthesis() throws {
        // A command name with spaces and a ')' inside, as a hostile or odd process may have.
        let line = "4242 (my (weird) cmd) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 0 0 20 0 7 0 98765 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let s = try #require(withBytes(line) { ProcParse.procStat($0) })
        #expect(s == ProcParse.ProcStat(ppid: 1, ticks: 1234 + 567, childTicks: 0, threads: 7, startTime: 98765, rssPages: 2048))
    }

    @Test func statGivesBusyAndTotalPerCPU() {
        let text = "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 60 0 20 400 20 0 0 0 0 0\ncpu1 40 0 30 400 30 0 0 0 0 0\nintr 1 2 3\n"
        let cpus = withBytes(text) { ProcParse.stat($0) }
        #expect(cpus == [.init(busy: 150, total: 1000), .init(busy: 80, total: 500), .init(busy: 70, total: 500)])
    }

    @Test func meminfoInBytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n"
        let m = withBytes(text) { ProcParse.meminfo($0) }
        #expect(m.total == 24_000_000 * 1024 && m.available == 20_000_000 * 1024 && m.swapTotal == 0)
    }

    @Test func loadavgAndIO() {
        let l = withBytes("0.52 0.58 0.59 1/467 12345\n") { ProcParse.loadavg($0) }
        #expect(l.0 == 0.52 && l.1 == 0.58 && l.2 == 0.59)
        let io = withBytes("rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 1\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n") { ProcParse.io($0) }
        #expect(io.read == 4096 && io.write == 8192)
    }

    @Test func timelinesKeepFixedMemoryAndMinuteAverages() {
        var t = Timeline()
        for i in 0..<(Timeline.fineCapacity + 500) { t.append(Double(i % 120 < 60 ? 10 : 30), at: Double(i)) }
        #expect(t.count == Timeline.fineCapacity)
        #expect(t.recent(3) == [30, 30, 30] || t.recent(3) == [10, 10, 10])
        #expect(t.coarse.count == (Timeline.fineCapacity + 500) / 60)
        #expect(Set(t.coarse.values) == [10, 30])
    }
}

/// Runs a shell command as a child and returns its pid; killed by `stop`.
final class Child {
    let process = Process()
    init(_ script: String) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }
    var pid: Int32 { process.processIdentifier }
    func stop() {
        kill(-pid, SIGKILL)
        process.terminate()
        process.waitUntilExit()
    }
}

/// CPU ticks and RSS of one process, read independently of the sampler.
func independent(_ pid: Int32) -> (ticks: Double, rss: Int)? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    let after = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
    let ticks = Double(after[11])! + Double(after[12])!  // utime, stime (fields 14, 15)
    let rssKB = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }!.split(separator: " ")[1]
    return (ticks, Int(rssKB)! * 1024)
}

@Suite("Process tree sampling against /proc read independently", .serialized)
struct ProcessTreeTests {
    @Test func cpuOfABusyProcessMatches() throws {
        let busy = try Child("exec yes > /dev/null")
        defer { busy.stop() }
        Thread.sleep(forTimeInterval: 0.2)
        let reader = ProcessTreeReader(root: busy.pid)
        _ = reader.sample(at: Date().timeIntervalSince1970)
        let before = try #require(independent(busy.pid))
        let t0 = Date().timeIntervalSince1970
        Thread.sleep(forTimeInterval: 1.0)
        let s = try #require(reader.sample(at: Date().timeIntervalSince1970))
        let after = try #require(independent(busy.pid))
        let dt = Date().timeIntervalSince1970 - t0
        let expected = (after.ticks - before.ticks) / ProcessTreeReader.ticksPerSecond / dt * 100
        // Same process, same second: the two readings agree within a few percent of a core.
        #expect(abs(s.cpuPercent - expected) < 8, "sampler \(s.cpuPercent)% vs /proc \(expected)%")
        #expect(s.cpuPercent > 20, "a busy loop should use a good part of a core, got \(s.cpuPercent)%")
        #expect(s.processes == 1)
    }

    @Test func memoryOfAProcessHoldingAKnownAmountMatches() throws {
        let holder = try Child("exec python3 -c 'import time; b = bytearray(150 * 1024 * 1024); b[::4096] = b\"x\" * len(b[::4096]); print(\"ready\", flush=True); time.sleep(60)'")
        defer { holder.stop() }
        // Wait until the memory is touched.
        var rss = 0
        for _ in 0..<100 {
            rss = independent(holder.pid)?.rss ?? 0
            if rss > 150 << 20 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(rss > 150 << 20)
        let reader = ProcessTreeReader(root: holder.pid)
        let s = try #require(reader.sample(at: Date().timeIntervalSince1970))
        let check = try #require(independent(holder.pid))
        #expect(abs(s.rss - check.rss) < 4 << 20, "sampler \(s.rss) vs VmRSS \(check.rss)")
        #expect(s.rss > 150 << 20)
    }

    @Test func childrenAreCountedAndDropOutWhenTheyExit() throws {
        let dir = NSTemporaryDirectory() + "pt-tree-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Three children that live until their file is removed, then exit.
        let shell = try Child("for i in 1 2 3; do touch \(dir)/$i; (while [ -e \(dir)/$i ]; do sleep 0.05; done) & done; wait; sleep 30")
        defer { shell.stop() }
        // All three started (a loaded machine can be slow to get there).
        for _ in 0..<200 where !(1...3).allSatisfy({ FileManager.default.fileExists(atPath: "\(dir)/\($0)") }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let reader = ProcessTreeReader(root: shell.pid)
        var s = reader.sample(at: Date().timeIntervalSince1970)
        for _ in 0..<100 where (s?.processes ?? 0) < 4 {
            Thread.sleep(forTimeInterval: 0.05)
            s = reader.sample(at: Date().timeIntervalSince1970)
        }
        // The shell, three subshells (each sometimes with a short-lived sleep).
        let full = try #require(s)
        #expect(full.processes >= 4, "\(full)")
        #expect(full.rss > 0)
        for i in 1...3 { try FileManager.default.removeItem(atPath: "\(dir)/\(i)") }
        var after = full
        for _ in 0..<60 {
            Thread.sleep(forTimeInterval: 0.05)
            guard let x = reader.sample(at: Date().timeIntervalSince1970) else { break }
            after = x
            if x.processes <= 2 { break }
        }
        #expect(after.processes <= 2, "\(after)")  // the shell (and at most its final sleep)
        #expect(after.rss < full.rss)
    }

    @Test func shortLivedChildrenAreCounted() throws {
        // A shell that runs many short busy children one after another: each lives less than
        // the sampling interval; their CPU reaches the shell's cutime when reaped.
        let shell = try Child("while :; do sh -c 'j=0; while [ $j -lt 20000 ]; do j=$((j+1)); done'; done")
        defer { shell.stop() }
        let reader = ProcessTreeReader(root: shell.pid)
        _ = reader.sample(at: Date().timeIntervalSince1970)
        Thread.sleep(forTimeInterval: 1.5)
        let s = try #require(reader.sample(at: Date().timeIntervalSince1970))
        // The children (25 ms each) keep about one core busy; most are never seen alive.
        #expect(s.cpuPercent > 20, "short-lived children's CPU should count, got \(s.cpuPercent)%")
    }

    @Test func aGoneRootEndsTheTree() throws {
        let c = try Child("exec sleep 30")
        let reader = ProcessTreeReader(root: c.pid)
        #expect(reader.sample(at: 1) != nil)
        c.stop()
        #expect(reader.sample(at: 2) == nil)
    }

    @Test func theSamplerFeedsTheReducerAndChargesTheRunningPhase() throws {
        let busy = try Child("exec yes > /dev/null")
        defer { busy.stop() }
        let engine = Engine()
        engine.apply(Event(job: "j", .jobStart(.init(name: "j", phases: [.init(id: "p")], pid: busy.pid))))
        engine.apply(Event(job: "j", .phaseStart(.init(phase: "p"))))
        let sampler = Sampler(engine: engine, interval: 1)
        sampler.tick()
        Thread.sleep(forTimeInterval: 0.5)
        sampler.tick()
        Thread.sleep(forTimeInterval: 0.5)
        sampler.tick()
        let state = engine.snapshot().state
        let res = try #require(state[job: "j"]?.resources)
        #expect(res.cpu.count == 2)
        // `yes` gets about a second of CPU alone; on two cores shared with four busy builds it
        // got 0.1 s, so only "charged at all" is asked (its exact share is ProcfsTests' CPU test).
        #expect(res.cpuSeconds > 0.02)
        let usage = try #require(state[job: "j"]?.phase("p")?.usage)
        #expect(abs(usage.cpuSeconds - res.cpuSeconds) < 1e-9)
        #expect(usage.sampledSeconds > 0.8)
        #expect(usage.peakRSS > 0)
        #expect(state.host.cpu.count >= 2)
        #expect((state.host.last?.memTotal ?? 0) > 0)
    }
}
