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
    private var chunks: [(stream: Int32, bytes: [UInt8])] = []
    private var bytes = 0
    /// Streams whose oldest chunk was dropped: their first line kept is only the end of one.
    private var cut: Set<Int32> = []

    /// Bytes the command wrote on `stream` (1 or 2), as read.
    func feed(_ chunk: UnsafeRawBufferPointer, stream: Int32) {
        guard !chunk.isEmpty else { return }
        lock.withLock {
            chunks.append((stream, Array(chunk)))
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

    /// The lines kept, in the order their ends were read, as text a log can show (escape
    /// sequences and a redrawn line's earlier states removed); a last line without a newline
    /// counts too.
    var kept: [Line] {
        let (chunks, cut) = lock.withLock { (self.chunks, self.cut) }
        var lines: [(stream: Int32, bytes: [UInt8])] = []
        var partial: [Int32: [UInt8]] = [:]
        var skipFirst = cut
        for (stream, chunk) in chunks {
            var line = partial[stream] ?? []
            var start = 0
            while start < chunk.count {
                let end = chunk[start...].firstIndex(of: 0x0A) ?? chunk.count
                line.append(contentsOf: chunk[start..<min(end, start + max(0, Self.maxLineBytes - line.count))])
                guard end < chunk.count else { break }
                if skipFirst.remove(stream) == nil { lines.append((stream, line)) }
                line.removeAll(keepingCapacity: true)
                start = end + 1
            }
            partial[stream] = line
        }
        for (stream, line) in partial.sorted(by: { $0.key < $1.key }) where !line.isEmpty { lines.append((stream, line)) }
        // The newest lines that fit both limits.
        var total = 0, first = lines.count
        while first > 0 && lines.count - first < Self.maxLines && total + lines[first - 1].bytes.count <= Self.maxBytes {
            first -= 1
            total += lines[first].bytes.count
        }
        return lines[first...].map { Line(stream: $0.stream, text: Self.clean($0.bytes)) }
    }

    /// The last `count` lines of stderr that are not blank, trimmed: what a failure reason
    /// quotes (stdout is the command's product, not its complaint).
    func lastErrorLines(_ count: Int) -> [String] {
        kept.filter { $0.stream == 2 && !$0.text.allSatisfy(\.isWhitespace) }.suffix(count).map { $0.text.trimmingCharacters(in: .whitespaces) }
    }

    static let logMessageBytes = 16_384

    /// The output's tail as log lines, each at the level its words say (`OutputLineLevel`:
    /// info unless it says error or warning, on either stream; category `stdout` or `stderr`),
    /// consecutive lines of one stream and level in one multi-line message of at most
    /// `logMessageBytes` (protocol lines are limited to 64 KiB, escapes included).
    static func logEvents(_ lines: [OutputTail.Line], job: String) -> [Event] {
        var readers: [Int32: OutputLineLevel] = [:]
        let levels = lines.map { readers[$0.stream, default: OutputLineLevel()].level(of: $0.text) }
        var out: [Event] = []
        var i = 0
        while i < lines.count {
            let stream = lines[i].stream, level = levels[i]
            var j = i, bytes = 0
            while j < lines.count && lines[j].stream == stream && levels[j] == level
                    && (j == i || bytes + lines[j].text.utf8.count < logMessageBytes) {
                bytes += lines[j].text.utf8.count + 1
                j += 1
            }
            let text = lines[i..<j].map(\.text).joined(separator: "\n")
            out.append(Event(job: job, .log(.init(level: level, message: text, category: stream == 2 ? "stderr" : "stdout"))))
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
