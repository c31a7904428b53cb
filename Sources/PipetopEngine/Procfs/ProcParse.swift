/// Pure parsers for the /proc files the sampler reads. They take bytes and return numbers,
/// so tests feed them recorded file contents.
enum ProcParse {
    /// Whitespace-separated unsigned integers of a line, from byte `from`.
    static func integers(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> [UInt64] {
        var out: [UInt64] = []
        var cur: UInt64 = 0
        var inNumber = false
        var i = start
        while i < end {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                cur = cur &* 10 &+ UInt64(c - 0x30)
                inNumber = true
            } else if inNumber {
                out.append(cur)
                cur = 0
                inNumber = false
            }
            i += 1
        }
        if inNumber { out.append(cur) }
        return out
    }

    /// CPU time counters from /proc/stat: the "cpu" line first, then "cpu0", "cpu1"...
    struct CPUTimes: Equatable {
        var busy: UInt64
        var total: UInt64
    }

    static func stat(_ b: UnsafeBufferPointer<UInt8>) -> [CPUTimes] {
        var out: [CPUTimes] = []
        var lineStart = 0
        for i in 0..<b.count where b[i] == 0x0A {
            defer { lineStart = i + 1 }
            guard i - lineStart > 3, b[lineStart] == 0x63, b[lineStart + 1] == 0x70, b[lineStart + 2] == 0x75 else {
                if !out.isEmpty { break }  // the cpu lines come first and together
                continue
            }
            // Skip the label ("cpu" or "cpuN") before reading the counters.
            var j = lineStart + 3
            while j < i && b[j] != 0x20 { j += 1 }
            let v = integers(b, from: j, to: i)
            guard v.count >= 4 else { continue }
            // user nice system idle iowait irq softirq steal (guest is inside user).
            let idle = v[3] + (v.count > 4 ? v[4] : 0)
            let total = v.prefix(8).reduce(0, +)
            out.append(CPUTimes(busy: total - idle, total: total))
        }
        return out
    }

    struct MemInfo: Equatable {
        var total = 0, available = 0, swapTotal = 0, swapFree = 0
    }

    /// The fields of /proc/meminfo we need, in bytes.
    static func meminfo(_ b: UnsafeBufferPointer<UInt8>) -> MemInfo {
        var m = MemInfo()
        var lineStart = 0
        for i in 0..<b.count where b[i] == 0x0A {
            defer { lineStart = i + 1 }
            let line = UnsafeBufferPointer(rebasing: b[lineStart..<i])
            func key(_ k: StaticString) -> Bool {
                let n = k.utf8CodeUnitCount
                guard line.count > n, line[n] == 0x3A else { return false }
                for x in 0..<n where line[x] != k.utf8Start[x] { return false }
                return true
            }
            let kb = { Int(integers(b, from: lineStart, to: i).first ?? 0) * 1024 }
            if key("MemTotal") { m.total = kb() }
            else if key("MemAvailable") { m.available = kb() }
            else if key("SwapTotal") { m.swapTotal = kb() }
            else if key("SwapFree") { m.swapFree = kb() }
        }
        return m
    }

    /// /proc/loadavg: "0.52 0.58 0.59 1/467 12345".
    static func loadavg(_ b: UnsafeBufferPointer<UInt8>) -> (Double, Double, Double) {
        let text = String(decoding: b, as: UTF8.self).split(separator: " ")
        let v = text.prefix(3).map { Double($0) ?? 0 }
        return v.count == 3 ? (v[0], v[1], v[2]) : (0, 0, 0)
    }

    struct ProcStat: Equatable {
        var ppid: Int32
        var ticks: UInt64  // utime + stime
        /// cutime + cstime: CPU of children it has reaped (they may have lived between samples).
        var childTicks: UInt64 = 0
        var threads: Int
        var startTime: UInt64
        var rssPages: Int
    }

    /// /proc/PID/stat. The command name (field 2) may hold spaces and parentheses, so the
    /// fields are counted from the last ')'.
    static func procStat(_ b: UnsafeBufferPointer<UInt8>) -> ProcStat? {
        var close = -1
        for i in stride(from: b.count - 1, through: 0, by: -1) where b[i] == 0x29 { close = i; break }
        guard close > 0, close + 2 < b.count else { return nil }
        // After ") " come: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) ...
        // num_threads(20) ... starttime(22) vsize(23) rss(24). One pass, no allocation: this
        // runs for every process of every job every second.
        var field = 3
        var i = close + 2
        var ppid: UInt64 = 0, ticks: UInt64 = 0, childTicks: UInt64 = 0, threads: UInt64 = 0, start: UInt64 = 0, rss: UInt64 = 0
        while i < b.count && field <= 24 {
            var v: UInt64 = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { v = v &* 10 &+ UInt64(b[i] &- 0x30); i += 1 }
            switch field {
            case 4: ppid = v
            case 14, 15: ticks &+= v
            case 16, 17: childTicks &+= v
            case 20: threads = v
            case 22: start = v
            case 24: rss = v
            default: break
            }
            while i < b.count, b[i] != 0x20 { i += 1 }
            i += 1
            field += 1
        }
        guard field > 24 else { return nil }
        return ProcStat(ppid: Int32(truncatingIfNeeded: ppid), ticks: ticks, childTicks: childTicks,
                        threads: Int(threads), startTime: start, rssPages: Int(rss))
    }

    /// /proc/PID/io: the bytes that reached storage (read_bytes, write_bytes).
    static func io(_ b: UnsafeBufferPointer<UInt8>) -> (read: UInt64, write: UInt64) {
        var r: UInt64 = 0, w: UInt64 = 0
        var i = 0
        func starts(_ word: StaticString, at i: Int) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
            return true
        }
        func number(from j: Int) -> UInt64 {
            var j = j, v: UInt64 = 0
            while j < b.count, b[j] == 0x20 { j += 1 }
            while j < b.count, b[j] >= 0x30, b[j] <= 0x39 { v = v &* 10 &+ UInt64(b[j] &- 0x30); j += 1 }
            return v
        }
        while i < b.count {
            if starts("read_bytes:", at: i) { r = number(from: i + 11) }
            else if starts("write_bytes:", at: i) { w = number(from: i + 12) }
            while i < b.count, b[i] != 0x0A { i += 1 }
            i += 1
        }
        return (r, w)
    }
}
