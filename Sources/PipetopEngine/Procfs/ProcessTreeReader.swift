import Foundation
import PipetopCore
#if canImport(Glibc)
import Glibc
#endif

/// Samples one job's process tree: the root pid and everything below it, found through the
/// kernel's per-thread `children` files (no scan of all of /proc). Each process's stat file
/// is kept open, so a pid that dies and is reused is never mistaken for the old process.
public final class ProcessTreeReader {
    public let root: Int32
    private var known: [Int32: Tracked] = [:]
    private var lastAt: Double?
    private var rootStart: UInt64?
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private final class Tracked {
        let stat: ProcFile
        let io: ProcFile?
        let startTime: UInt64
        var ticks: UInt64
        var childTicks: UInt64 = 0
        var read: UInt64
        var write: UInt64
        var childFiles: [ProcFile]?
        var threadCount = 0
        init(stat: ProcFile, io: ProcFile?, startTime: UInt64, ticks: UInt64, read: UInt64, write: UInt64) {
            self.stat = stat; self.io = io; self.startTime = startTime; self.ticks = ticks; self.read = read; self.write = write
        }
    }

    public init(root: Int32) { self.root = root }

    /// The cgroup memory limit of the root process, read once (cgroup v2; nil when none).
    private lazy var memoryLimit: Int? = Self.cgroupMemoryLimit(of: root)

    /// The memory limit that applies to a process: the lowest one on its cgroup's path
    /// (`memory.max` in cgroup v2, `memory.limit_in_bytes` in v1); nil when unlimited.
    static func cgroupMemoryLimit(of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8) else { return nil }
        return memoryLimit(cgroupFile: text, root: "/sys/fs/cgroup")
    }

    static func memoryLimit(cgroupFile text: String, root: String) -> Int? {
        var candidates: [(dir: String, file: String)] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0" && parts[1].isEmpty { candidates.append((root + "/unified" + parts[2], "memory.max")); candidates.append((root + parts[2], "memory.max")) }
            if parts[1].split(separator: ",").contains("memory") { candidates.append((root + "/memory" + parts[2], "memory.limit_in_bytes")) }
        }
        var lowest: Int?
        for (start, file) in candidates {
            var dir = start
            while true {
                if let v = try? String(contentsOfFile: dir + "/" + file, encoding: .utf8),
                   let n = Int(v.trimmingCharacters(in: .whitespacesAndNewlines)), n < 1 << 60 {  // v1 writes "no limit" as ~2^63
                    lowest = min(lowest ?? n, n)
                }
                guard let cut = dir.lastIndex(of: "/"), dir.count > root.count else { break }
                dir = String(dir[..<cut])
            }
        }
        return lowest
    }

    /// The tree's figures since the last call; nil when the root process is gone.
    /// One walk from the root: each process's stat (kept open) gives its figures and its
    /// thread count, and its threads' `children` files (kept open, re-listed only when the
    /// thread count changes) give the next processes to visit.
    public func sample(at now: Double) -> TreeSample? {
        let first = lastAt == nil
        let interval = lastAt.map { max(0.001, now - $0) } ?? 0
        var ticks: UInt64 = 0, read: UInt64 = 0, write: UInt64 = 0, reaped: UInt64 = 0
        var rss = 0, threads = 0, processes = 0
        var seen = Set<Int32>(minimumCapacity: known.count + 16)
        var queue: [Int32] = [root]
        queue.reserveCapacity(known.count + 16)
        while let pid = queue.popLast() {
            guard !seen.contains(pid), let (t, s, isNew) = track(pid) else { continue }
            if pid == root {
                // The job's process is gone and its pid reused: that is not the job.
                if let start = rootStart, start != s.startTime { known[pid] = nil; return nil }
                rootStart = s.startTime
            }
            seen.insert(pid)
            // A process first seen after the first tick started during this interval: all of
            // its CPU time is new. On the first tick everything is the baseline.
            let base = isNew ? (first ? s.ticks : 0) : t.ticks
            ticks += s.ticks &- min(base, s.ticks)
            t.ticks = s.ticks
            // Children reaped since the last sample add to cutime/cstime: short-lived ones
            // (make -j, shell loops) would otherwise never be counted.
            if !isNew { reaped += s.childTicks &- min(t.childTicks, s.childTicks) }
            t.childTicks = s.childTicks
            if let io = t.io, let (r, w) = io.read({ ProcParse.io($0) }) {
                let (br, bw) = isNew ? (first ? (r, w) : (0, 0)) : (t.read, t.write)
                read += r &- min(br, r)
                write += w &- min(bw, w)
                t.read = r
                t.write = w
            }
            rss += s.rssPages * Self.pageSize
            threads += s.threads
            processes += 1
            addChildren(of: pid, t, threads: s.threads, to: &queue)
        }
        // Exited: what they used while we watched them was counted already, so it comes off
        // the reaped total their parent now carries.
        var counted: UInt64 = 0
        for (pid, t) in known where !seen.contains(pid) {
            counted += t.ticks + t.childTicks
            known[pid] = nil
        }
        ticks += reaped &- min(counted, reaped)
        lastAt = now
        guard seen.contains(root) else { return nil }
        let cpuSeconds = Double(ticks) / Self.ticksPerSecond
        var sample = TreeSample(cpuPercent: interval > 0 ? cpuSeconds / interval * 100 : 0, cpuSeconds: cpuSeconds, rss: rss,
                                processes: processes, threads: threads, readBytes: Int(read), writeBytes: Int(write), interval: interval)
        sample.memoryLimit = memoryLimit
        return sample
    }

    /// Reads a process's stat through its kept-open file (opening it when new, or when the
    /// pid now belongs to a different process).
    private func track(_ pid: Int32) -> (Tracked, ProcParse.ProcStat, Bool)? {
        if let t = known[pid], let s = t.stat.read({ ProcParse.procStat($0) }) ?? nil, s.startTime == t.startTime {
            return (t, s, false)
        }
        known[pid] = nil
        guard let f = ProcFile("/proc/\(pid)/stat", capacity: 1024), let s = f.read({ ProcParse.procStat($0) }) ?? nil else { return nil }
        let t = Tracked(stat: f, io: ProcFile("/proc/\(pid)/io", capacity: 512), startTime: s.startTime, ticks: 0, read: 0, write: 0)
        known[pid] = t
        return (t, s, true)
    }

    /// The pids the process's threads have started, from their kept-open `children` files.
    private func addChildren(of pid: Int32, _ t: Tracked, threads: Int, to out: inout [Int32]) {
        if t.childFiles == nil || t.threadCount != threads {
            t.threadCount = threads
            var files: [ProcFile] = []
            if let tasks = opendir("/proc/\(pid)/task") {
                while let entry = readdir(tasks) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
                    if let tid = Int32(name), let f = ProcFile("/proc/\(pid)/task/\(tid)/children", capacity: 4096, multiPage: true) { files.append(f) }
                }
                closedir(tasks)
            }
            t.childFiles = files
        }
        for f in t.childFiles ?? [] {
            let ok = f.read { b -> Bool in
                // "pid pid pid " : read in place.
                var v: Int32 = 0, inNumber = false
                for c in b {
                    if c >= 0x30 && c <= 0x39 { v = v &* 10 &+ Int32(c &- 0x30); inNumber = true }
                    else if inNumber { out.append(v); v = 0; inNumber = false }
                }
                if inNumber { out.append(v) }
                return true
            }
            if ok == nil { t.childFiles = nil }  // a thread ended: list the threads again next time
        }
    }

    /// Processes currently tracked (for tests and the benchmark).
    public var trackedCount: Int { known.count }
}
