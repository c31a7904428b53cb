import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Passes one of the command's streams on, byte for byte, to where it would have gone
/// without pipetop, keeping its tail and reading progress from it (unless --no-progress).
/// When the destination is gone (a closed pipe: `| head -1`), it stops reading and closes its
/// end, so the command gets SIGPIPE as it would without pipetop. It takes no lock that
/// anything talking to the engine holds.
final class OutputRelay: @unchecked Sendable {
    private let capture: CapturedStream
    private let tail: OutputTail
    private let progress: ProgressReader?
    private let reading: ProgressParser.Reading
    private let done = NSCondition()
    private var finished = false
    /// Whether a write to the destination is under way (a slow reader holds it), and when
    /// bytes were last read: what tells a stream still draining from one a background
    /// process holds open.
    private var writing = false
    private var lastRead = Date()

    init(_ capture: CapturedStream, tail: OutputTail, progress: ProgressReader?, reading: ProgressParser.Reading = .detected) {
        self.capture = capture
        self.tail = tail
        self.progress = progress
        self.reading = reading
        let t = Thread { [self] in
            run()
            done.lock(); finished = true; done.broadcast(); done.unlock()
        }
        t.name = "pipetop-relay-\(capture.stream)"
        t.start()
    }

    /// Once the command has ended: waits until the stream ended too. Output still on its way
    /// to a slow reader is always waited for (nothing the command wrote is lost); a stream
    /// held open by a background process of the command is given up once it has been quiet
    /// for `quiet` seconds, or after `most` seconds; true when the stream ended.
    @discardableResult
    func drain(quiet: Double = 1, most: Double = 10) -> Bool {
        let began = Date()
        done.lock()
        defer { done.unlock() }
        while !finished {
            let now = Date()
            if !writing && (now.timeIntervalSince(lastRead) >= quiet || now.timeIntervalSince(began) >= most) { return false }
            _ = done.wait(until: now.addingTimeInterval(0.05))
        }
        return true
    }

    /// Longest open line kept for the progress reader: a protocol line's limit (64 KiB).
    static let longestPending = 65_536

    private func run() {
        let fd = capture.readFD
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var pending: [UInt8] = []
        // The open line grew past what can hold progress or an event: its bytes are passed on
        // unread up to its end (binary output with no line end costs a copy of nothing).
        var overlong = false
        func keep(_ bytes: ArraySlice<UInt8>) {
            guard !overlong else { return }
            if pending.count + bytes.count > Self.longestPending {
                pending.removeAll(keepingCapacity: true)
                overlong = true
            } else {
                pending.append(contentsOf: bytes)
            }
        }
        // Whether the progress reader has been told the stream went quiet since the last read.
        var quietTold = true
        while true {
            if let progress, !quietTold {
                // Progress put off (or a bar drawn with no line end yet) is read once the
                // stream has been quiet for a moment; the wait costs the command nothing.
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 150) == 0 {
                    progress.quiet(stream: capture.stream, partial: overlong ? [] : pending[...], reading: reading)
                    quietTold = true
                    continue
                }
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if n <= 0 { break }  // end of file, or EIO: a pty whose last writer closed
            done.lock(); writing = true; lastRead = Date(); done.unlock()
            let delivered = buffer.withUnsafeBytes { raw -> Bool in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                tail.feed(chunk, stream: capture.stream)
                return Self.writeAll(capture.destination, chunk)
            }
            done.lock(); writing = false; done.unlock()
            if let progress {
                quietTold = false
                let (first, last) = buffer.withUnsafeBufferPointer { b in
                    let c = UnsafeBufferPointer(rebasing: b[0..<n])
                    return (ByteSearch.firstLineEnd(in: c), ByteSearch.lastLineEnd(in: c))
                }
                // The chunk's complete lines are read where they are; only the line still open
                // at its end is kept (with what was open before it), so bulk output is not copied.
                let chunk = buffer[0..<n]
                if let first, let last {
                    if overlong {
                        // The end of a line too long to be progress or an event: passed over.
                        overlong = false
                        if first < last { progress.lines(chunk[(first + 1)..<last], stream: capture.stream, reading: reading) }
                    } else if !pending.isEmpty {
                        if pending.count + first <= Self.longestPending {
                            pending.append(contentsOf: chunk[..<first])
                            progress.lines(pending[...], stream: capture.stream, reading: reading)
                        }
                        pending.removeAll(keepingCapacity: true)
                        if first < last { progress.lines(chunk[(first + 1)..<last], stream: capture.stream, reading: reading) }
                    } else {
                        progress.lines(chunk[..<last], stream: capture.stream, reading: reading)
                    }
                    keep(chunk[(last + 1)...])
                } else if !overlong {
                    keep(chunk)
                }
            }
            if !delivered { break }
        }
        if let progress {
            if !pending.isEmpty && !overlong { progress.lines(pending[...], stream: capture.stream, reading: reading) }
            progress.quiet(stream: capture.stream, partial: [], reading: reading)
        }
        close(fd)
    }

    /// Writes all of `bytes`, through short writes, interruptions and a non-blocking
    /// destination; false when the destination is gone (EPIPE, a hung-up terminal, ...).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var off = 0
        while off < bytes.count {
            let w = write(fd, bytes.baseAddress! + off, bytes.count - off)
            if w < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, 1000)
                    continue
                }
                return false
            }
            off += w
        }
        return true
    }
}
