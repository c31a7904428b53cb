import Foundation
import PipetopEngine
import PipetopCore

/// Turns the watched stream's lines (`--progress-from`) into events for the run's job:
/// progress parsed from text goes to the phase that runs (`PhaseCursor`), and `PIPETOP`
/// lines the command may send (`CommandEvent`) are passed on. Used by one relay thread.
final class ProgressReader {
    private let job: String
    private let queue: ReportQueue
    private var cursor: PhaseCursor
    private var noted = false

    init(job: String, phases: [String], queue: ReportQueue) {
        self.job = job
        self.queue = queue
        cursor = PhaseCursor(declared: phases)
    }

    /// Complete lines of output (ended by `\n` or by a progress bar's `\r`, without the last
    /// end). Counts are absolute, so of the lines between two event lines only the last with
    /// progress in it matters: it is looked for from the end, and a command that prints
    /// millions of lines costs a scan of its bytes per read, not a parse per line. Event lines
    /// are each taken, in order.
    func lines(_ bytes: ArraySlice<UInt8>) {
        let events = Self.eventLines(bytes)
        var segmentStart = bytes.startIndex
        for e in events {
            lastProgress(in: bytes[segmentStart..<e.lowerBound])
            line(bytes[e])
            segmentStart = min(e.upperBound + 1, bytes.endIndex)
        }
        lastProgress(in: bytes[segmentStart...])
    }

    static func endsLine(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    private static let prefix = Array(ProgressParser.eventPrefix.utf8)

    /// The lines that start with `PIPETOP `: found through memchr for its `P`, so output
    /// without one is passed over at memory speed.
    static func eventLines(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { b -> [Range<Int>] in
            guard let base = b.baseAddress, b.count >= prefix.count else { return [] }
            var out: [Range<Int>] = []
            var i = 0
            while i < b.count, let p = memchr(base + i, 0x50, b.count - i) {
                let k = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                i = k + 1
                guard k == 0 || endsLine(b[k - 1]), k + prefix.count <= b.count,
                      prefix.indices.allSatisfy({ b[k + $0] == prefix[$0] }) else { continue }
                var end = k
                while end < b.count && !endsLine(b[end]) { end += 1 }
                out.append((bytes.startIndex + k)..<(bytes.startIndex + end))
                i = end
            }
            return out
        }
    }

    /// The last line of `bytes` that holds progress, from the end; lines with neither `/` nor
    /// `%` cannot, and are passed over without being read as text.
    private func lastProgress(in bytes: ArraySlice<UInt8>) {
        let found = bytes.withUnsafeBufferPointer { b -> [Range<Int>] in
            // Candidate lines from the end: at most a few are parsed (the first with progress wins).
            var out: [Range<Int>] = []
            var k = b.count - 1
            while k >= 0 && out.count < 8 {
                if b[k] == 0x2F || b[k] == 0x25 {
                    var start = k, end = k
                    while start > 0 && !Self.endsLine(b[start - 1]) { start -= 1 }
                    while end < b.count && !Self.endsLine(b[end]) { end += 1 }
                    out.append(start..<end)
                    k = start - 1
                } else {
                    k -= 1
                }
            }
            return out
        }
        for r in found where line(bytes[(bytes.startIndex + r.lowerBound)..<(bytes.startIndex + r.upperBound)]) { return }
    }

    /// One line of output, without its newline; true when it held progress or an event.
    @discardableResult
    private func line(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let found = ProgressParser.parse(String(decoding: bytes, as: UTF8.self)) else { return false }
        switch found {
        case .event(let json):
            switch CommandEvent.event(from: json, job: job) {
            case .success(let e):
                for before in cursor.observe(e) { queue.offer(before) }
                queue.offer(e)
            case .failure(let why):
                ignored(why.reason)
            }
        case .unreadable(let why):
            ignored(why)
        case .counts(let done, let total):
            progress(done: done, total: total)
        case .percent(let p):
            progress(done: Int(p.rounded(.down)), total: 100)
        }
        return true
    }

    private func progress(done: Int, total: Int) {
        guard let (phase, start) = cursor.phaseForProgress(job: job) else { return }
        for e in start { queue.offer(e) }
        queue.offer(Event(job: job, .progress(.init(phase: phase, done: done, total: total))))
    }

    /// Said once: output is not trusted, and a line that looked like an event but was not
    /// taken should not pass unseen.
    private func ignored(_ why: String) {
        guard !noted else { return }
        noted = true
        let kinds = CommandEvent.allowed.joined(separator: ", ")
        SafeWrite.stderr(
            "pipetop run: ignored a PIPETOP line of the command's output: \(why) (only \(kinds) events about this run's job are taken; said once)\n")
    }
}
