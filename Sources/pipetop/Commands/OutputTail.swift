import Foundation
import PipetopCore

/// The end of the command's output (stdout and stderr, in the order read): the last 100
/// lines or 64 KiB, whichever is less. It goes into the job's log when the command ends, and
/// its last error lines into the failure reason, so why a job failed is seen without the
/// terminal it ran in. While the command runs only the chunks read are kept (one copy per
/// read, none per line): a command that prints millions of lines is not slowed by it.
final class OutputTail: @unchecked Sendable {
    static let maxLines = 100
    static let maxBytes = 65_536
    /// Longest line kept (the end of a longer one is dropped).
    static let maxLineBytes = 4_096

    struct Line: Equatable {
        var stream: Int32
        var text: String
    }

    private let lock = NSLock()
    /// Each chunk with its number (counted from 1 over the whole run) and when it was read.
    private var chunks: [(stream: Int32, bytes: [UInt8], number: Int, time: Double)] = []
    private var fed = 0
    private var bytes = 0
    /// Streams whose oldest chunk was dropped: their first line kept is only the end of one.
    private var cut: Set<Int32> = []

    /// Bytes the command wrote on `stream` (1 or 2), as read.
    func feed(_ chunk: UnsafeRawBufferPointer, stream: Int32) {
        guard !chunk.isEmpty else { return }
        lock.withLock {
            fed += 1
            chunks.append((stream, Array(chunk), fed, Date().timeIntervalSince1970))
            bytes += chunk.count
            var drop = 0
            // Keep what holds the last maxBytes of each stream, and a little more.
            while drop < chunks.count - 1 && bytes - chunks[drop].bytes.count >= 2 * Self.maxBytes {
                bytes -= chunks[drop].bytes.count
                cut.insert(chunks[drop].stream)
                drop += 1
            }
            if drop > 0 { chunks.removeFirst(drop) }
        }
    }

    /// A complete line (or, at the end, the last one without a newline) as read: the chunk
    /// its end came in, and when that was read (when it was printed, to the read).
    struct Timed: Equatable {
        var line: Line
        var chunk: Int
        var time: Double
    }

    /// The lines kept, in the order their ends were read, as text a log can show (escape
    /// sequences and a redrawn line's earlier states removed); a last line without a newline
    /// counts too.
    var kept: [Line] { limited(timedLines(open: true)).map(\.line) }

    /// The lines that ended in chunks after `chunk` (the newest that fit the tail's limits),
    /// the newest chunk number, and how many complete lines ended after `chunk` but are not
    /// given (too many at once, or their chunks dropped already: a flood). With `open`, a last
    /// line without a newline too (the command ended).
    func since(_ chunk: Int, open: Bool) -> (lines: [Timed], newest: Int, left: Int) {
        let newest = lock.withLock { fed }
        // (An open line's chunk is Int.max: given only with `open`, at the end.)
        let all = timedLines(open: open).filter { $0.chunk > chunk }
        let given = limited(all)
        return (given, newest, all.count - given.count)
    }

    /// The newest of `lines` that fit both limits.
    private func limited(_ lines: [Timed]) -> [Timed] {
        var total = 0, first = lines.count
        while first > 0 && lines.count - first < Self.maxLines && total + lines[first - 1].line.text.utf8.count <= Self.maxBytes {
            first -= 1
            total += lines[first].line.text.utf8.count
        }
        return Array(lines[first...])
    }

    private func timedLines(open: Bool) -> [Timed] {
        let (chunks, cut) = lock.withLock { (self.chunks, self.cut) }
        var lines: [(stream: Int32, bytes: [UInt8], chunk: Int, time: Double)] = []
        var partial: [Int32: [UInt8]] = [:]
        var last: [Int32: (Int, Double)] = [:]
        var skipFirst = cut
        for (stream, chunk, number, time) in chunks {
            var line = partial[stream] ?? []
            var start = 0
            last[stream] = (number, time)
            while start < chunk.count {
                let end = chunk[start...].firstIndex(of: 0x0A) ?? chunk.count
                line.append(contentsOf: chunk[start..<min(end, start + max(0, Self.maxLineBytes - line.count))])
                guard end < chunk.count else { break }
                if skipFirst.remove(stream) == nil { lines.append((stream, line, number, time)) }
                line.removeAll(keepingCapacity: true)
                start = end + 1
            }
            partial[stream] = line
        }
        if open {
            for (stream, line) in partial.sorted(by: { $0.key < $1.key }) where !line.isEmpty {
                // Never given before the end (given lines are complete ones), whatever its chunk.
                lines.append((stream, line, Int.max, last[stream]?.1 ?? 0))
            }
        }
        return lines.map { Timed(line: Line(stream: $0.stream, text: Self.clean($0.bytes)), chunk: $0.chunk, time: $0.time) }
    }

    /// The last `count` lines of stderr that are not blank, trimmed: what a failure reason
    /// quotes (stdout is the command's product, not its complaint).
    func lastErrorLines(_ count: Int) -> [String] {
        kept.filter { $0.stream == 2 && !$0.text.allSatisfy(\.isWhitespace) }.suffix(count).map { $0.text.trimmingCharacters(in: .whitespaces) }
    }

    static let logMessageBytes = 16_384
    static let sameMoment = 0.1

    /// The output's tail as log lines, each at the level its words say (`OutputLineLevel`:
    /// info unless it says error or warning, on either stream; category `stdout` or `stderr`),
    /// consecutive lines of one stream and level in one multi-line message of at most
    /// `logMessageBytes` (protocol lines are limited to 64 KiB, escapes included).
    static func logEvents(_ lines: [OutputTail.Line], job: String) -> [Event] {
        var readers: [Int32: OutputLineLevel] = [:]
        return logEvents(lines.map { Timed(line: $0, chunk: 0, time: 0) }, job: job, readers: &readers)
    }

    /// The same for lines with the time each was read (the event's time, that of its first
    /// line; 0: none), lines read within `sameMoment` of each other in one message (a burst is
    /// not sent line by line). `readers` carries each stream's level reading (a traceback's
    /// indented lines) from one batch to the next.
    static func logEvents(_ lines: [Timed], job: String, readers: inout [Int32: OutputLineLevel]) -> [Event] {
        let levels = lines.map { readers[$0.line.stream, default: OutputLineLevel()].level(of: $0.line.text) }
        var out: [Event] = []
        var i = 0
        while i < lines.count {
            let stream = lines[i].line.stream, level = levels[i], time = lines[i].time
            var j = i, bytes = 0
            while j < lines.count && lines[j].line.stream == stream && levels[j] == level && lines[j].time - time < sameMoment
                    && (j == i || bytes + lines[j].line.text.utf8.count < logMessageBytes) {
                bytes += lines[j].line.text.utf8.count + 1
                j += 1
            }
            let text = lines[i..<j].map(\.line.text).joined(separator: "\n")
            var e = Event(job: job, .log(.init(level: level, message: text, category: stream == 2 ? "stderr" : "stdout")))
            if time > 0 { e.ts = time }
            out.append(e)
            i = j
        }
        return out
    }

    /// A line as printed, for a log: the state after the last `\r` (a progress bar redraws
    /// itself), without terminal escape sequences or other control characters.
    static func clean(_ raw: [UInt8]) -> String {
        var line = raw[...]
        if line.last == 0x0D { line = line.dropLast() }
        if let cr = line.lastIndex(of: 0x0D) { line = line[(cr + 1)...] }
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = line.startIndex
        while i < line.endIndex {
            let b = line[i]
            if b == 0x1B {
                i += 1
                guard i < line.endIndex else { break }
                switch line[i] {
                case 0x5B:  // CSI: parameters, then a final byte 0x40...0x7E
                    i += 1
                    while i < line.endIndex, !(0x40...0x7E).contains(line[i]) { i += 1 }
                case 0x5D, 0x50, 0x5F, 0x5E:  // OSC, DCS, APC, PM: up to BEL or ESC \
                    while i < line.endIndex, line[i] != 0x07, !(line[i] == 0x5C && line[i - 1] == 0x1B) { i += 1 }
                default:
                    break  // a two-byte sequence
                }
            } else if b >= 0x20 && b != 0x7F || b == 0x09 || b >= 0x80 {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
