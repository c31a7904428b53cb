#if canImport(Glibc)
import Glibc
#endif
import PipetopWire

/// Splits a connection's byte stream into protocol lines. Whole lines are handed out where
/// they lie in the read buffer (no copy); only a line split across reads is carried over.
/// A line longer than `limit` is never buffered: its bytes are counted and skipped up to the
/// next newline and it comes out as `.tooLong`, so the connection stays usable and memory
/// stays bounded whatever a client sends.
struct LineFramer {
    enum Piece {
        /// One line, without its newline (valid only during the callback).
        case line(UnsafeRawBufferPointer)
        case tooLong(bytes: Int)
    }

    let limit: Int
    /// The start of a line whose newline has not come yet.
    private var carry: [UInt8] = []
    /// Skipping the rest of an over-long line; bytes of it seen so far.
    private var discarding = false
    private var discarded = 0

    init(limit: Int = maxLineBytes) { self.limit = limit }

    /// Hands each line completed by `bytes` to `body`, in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ body: (Piece) -> Void) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let newline = Int32(UInt8(ascii: "\n"))
        func next(from i: Int) -> Int? {
            memchr(base + i, newline, bytes.count - i).map { UnsafeRawPointer($0) - base }
        }
        var start = 0
        if discarding || !carry.isEmpty {
            guard let nl = next(from: 0) else {
                hold(UnsafeRawBufferPointer(rebasing: bytes[...]))
                return
            }
            if discarding {
                body(.tooLong(bytes: discarded + nl))
                discarding = false
                discarded = 0
            } else if carry.count + nl > limit {
                body(.tooLong(bytes: carry.count + nl))
            } else {
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<nl]))
                carry.withUnsafeBytes { body(.line($0)) }
            }
            // A long carried line's buffer is not kept for the life of the connection.
            carry.removeAll(keepingCapacity: carry.capacity <= 4096)
            start = nl + 1
        }
        while start < bytes.count, let nl = next(from: start) {
            if nl - start > limit {
                body(.tooLong(bytes: nl - start))
            } else {
                body(.line(UnsafeRawBufferPointer(rebasing: bytes[start..<nl])))
            }
            start = nl + 1
        }
        if start < bytes.count { hold(UnsafeRawBufferPointer(rebasing: bytes[start...])) }
    }

    /// Keeps the start of an unfinished line, or counts it once it is past the limit.
    private mutating func hold(_ part: UnsafeRawBufferPointer) {
        if discarding {
            discarded += part.count
        } else if carry.count + part.count > limit {
            discarding = true
            discarded = carry.count + part.count
            carry = []
        } else {
            carry.append(contentsOf: part)
        }
    }

    /// The client stopped sending: a partial last line is dropped (it went away mid-line).
    mutating func finish() {
        carry = []
        discarding = false
        discarded = 0
    }
}
