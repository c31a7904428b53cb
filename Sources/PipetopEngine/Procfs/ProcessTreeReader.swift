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
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private final class Tracked {
        let stat: ProcFile
        let io: ProcFile?
        let startTime: UInt64
        var ticks: UInt64
        var read: UInt64
        var write: UInt64
        init(stat: ProcFile, io: ProcFile?, startTime: UInt64, ticks: UInt64, read: UInt64, write: UInt64) {
            self.stat = stat; self.io = io; self.startTime = startTime; self.ticks = ticks; self.read = read; self.write = write
        }
    }

    public init(root: Int32) { self.root = root }

    /// The tree's figures since the last call; nil when the root process is gone.
    public func sample(at now: Double) -> TreeSample? {
        let pids = tree()
        guard pids.contains(root) else { return nil }
        let first = lastAt == nil
        let interval = lastAt.map { max(0.001, now - $0) } ?? 0
        var ticks: UInt64 = 0, read: UInt64 = 0, write: UInt64 = 0
        var rss = 0, threads = 0, processes = 0
        var seen = Set<Int32>()
        for pid in pids {
            guard let (t, s, isNew) = track(pid) else { continue }
            seen.insert(pid)
            // A process first seen after the first tick started during this interval: all of
            // its CPU time is new. On the first tick everything is the baseline.
            let base = isNew ? (first ? s.ticks : 0) : t.ticks
            ticks += s.ticks &- min(base, s.ticks)
            t.ticks = s.ticks
            if let io = t.io, let (r, w) = io.read({ ProcParse.io($0) }) {
                let (br, bw) = isNew && first ? (r, w) : (isNew ? (0, 0) : (t.read, t.write))
                read += r &- min(br, r)
                write += w &- min(bw, w)
                t.read = r
                t.write = w
            }
            rss += s.rssPages * Self.pageSize
            threads += s.threads
            processes += 1
        }
        for pid in known.keys where !seen.contains(pid) { known[pid] = nil }  // exited
        lastAt = now
        guard known[root] != nil else { return nil }
        let cpuSeconds = Double(ticks) / Self.ticksPerSecond
        return TreeSample(cpuPercent: interval > 0 ? cpuSeconds / interval * 100 : 0, cpuSeconds: cpuSeconds, rss: rss,
                          processes: processes, threads: threads, readBytes: Int(read), writeBytes: Int(write), interval: interval)
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

    /// The root and its descendants, from the children files of every thread.
    private func tree() -> [Int32] {
        var out: [Int32] = []
        var queue: [Int32] = [root]
        var visited = Set<Int32>()
        while let pid = queue.popLast() {
            guard visited.insert(pid).inserted else { continue }
            guard let tasks = opendir("/proc/\(pid)/task") else { continue }
            out.append(pid)
            while let entry = readdir(tasks) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard let tid = Int32(name) else { continue }
                guard let f = ProcFile("/proc/\(pid)/task/\(tid)/children", capacity: 4096),
                      let kids = f.read({ b in ProcParse.integers(b, from: 0, to: b.count) }) else { continue }
                queue.append(contentsOf: kids.map { Int32(truncatingIfNeeded: $0) })
            }
            closedir(tasks)
        }
        return out
    }

    /// Processes currently tracked (for tests and the benchmark).
    public var trackedCount: Int { known.count }
}
