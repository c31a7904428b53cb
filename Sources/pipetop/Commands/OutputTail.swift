import Foundation

/// The end of the command's output (stdout and stderr, in the order read): the last 100
/// lines or 64 KiB, whichever is less. It goes into the job's log when the command ends, and
/// its last error lines into the failure reason, so why a job failed is seen without the
/// terminal it ran in.
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
    private var lines: [(stream: Int32, bytes: [UInt8])] = []
    private var bytes = 0
    private var partial: [Int32: [UInt8]] = [:]

    /// Bytes the command wrote on `stream` (1 or 2), as read.
    func feed(_ chunk: UnsafeRawBufferPointer, stream: Int32) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        lock.withLock {
            var line = partial[stream] ?? []
            var start = 0
            while start < chunk.count {
                let nl = memchr(base + start, 0x0A, chunk.count - start).map { $0 - UnsafeMutableRawPointer(mutating: base) }
                let end = nl ?? chunk.count
                let room = max(0, Self.maxLineBytes - line.count)
                if room > 0 { line.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<min(end, start + room)])) }
                guard nl != nil else { break }
                keep(line, stream)
                line.removeAll(keepingCapacity: true)
                start = end + 1
            }
            partial[stream] = line
        }
    }

    /// The stream ended: a last line without a newline counts too.
    func close(stream: Int32) {
        lock.withLock {
            if let l = partial[stream], !l.isEmpty { keep(l, stream) }
            partial[stream] = nil
        }
    }

    private func keep(_ line: [UInt8], _ stream: Int32) {
        lines.append((stream, line))
        bytes += line.count
        var drop = 0
        while lines.count - drop > Self.maxLines || (bytes > Self.maxBytes && lines.count - drop > 1) {
            bytes -= lines[drop].bytes.count
            drop += 1
        }
        if drop > 0 { lines.removeFirst(drop) }
    }

    /// The lines kept, as text a log can show (escape sequences and a redrawn line's earlier
    /// states removed).
    var kept: [Line] {
        lock.withLock { lines.map { Line(stream: $0.stream, text: Self.clean($0.bytes)) } }
    }

    /// The last `count` lines of stderr that are not blank, trimmed: what a failure reason
    /// quotes (stdout is the command's product, not its complaint).
    func lastErrorLines(_ count: Int) -> [String] {
        kept.filter { $0.stream == 2 && !$0.text.allSatisfy(\.isWhitespace) }.suffix(count).map { $0.text.trimmingCharacters(in: .whitespaces) }
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
                i = line.index(after: i)
                guard i < line.endIndex else { break }
                switch line[i] {
                case 0x5B:  // CSI: parameters, then a final byte 0x40...0x7E
                    i = line.index(after: i)
                    while i < line.endIndex, !(0x40...0x7E).contains(line[i]) { i = line.index(after: i) }
                case 0x5D, 0x50, 0x5F, 0x5E:  // OSC, DCS, APC, PM: up to BEL or ESC \
                    while i < line.endIndex, line[i] != 0x07, !(line[i] == 0x5C && line[line.index(before: i)] == 0x1B) { i = line.index(after: i) }
                default:
                    break  // a two-byte sequence
                }
            } else if b >= 0x20 && b != 0x7F || b == 0x09 || b >= 0x80 {
                out.append(b)
            }
            if i < line.endIndex { i = line.index(after: i) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
