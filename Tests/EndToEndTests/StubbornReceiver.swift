import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP receiver that answers badly, for the notifier's sake: `statusNoNewline` sends
/// `HTTP/1.1 200 OK` with no line end and keeps the connection open; `trickle` sends a whole
/// answer one byte a second. Records each request's body and whether the client closed its
/// connection (while the receiver still held it open).
final class StubbornReceiver: @unchecked Sendable {
    enum Mode { case statusNoNewline, trickle }
    struct Request { var body: String; var closedByClient = false }
    let port: UInt16
    let mode: Mode
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private var stopped = false

    init(_ mode: Mode) throws {
        self.mode = mode
        (fd, port) = try loopbackListener()
        let t = Thread { [self] in serve() }
        t.start()
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var requests: [Request] { lock.withLock { received } }

    func close() {
        lock.withLock { stopped = true }
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
    }

    private func serve() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            Thread { [self] in handle(c); Glibc.close(c) }.start()
        }
    }

    private func handle(_ c: Int32) {
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        // The whole request: headers, then Content-Length bytes.
        while true {
            let n = read(c, &buf, buf.count)
            if n <= 0 { return }
            data += buf[0..<n]
            let text = String(decoding: data, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let length = text[..<end.lowerBound].lowercased().split(separator: "\r\n")
                .first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) + length <= data.count { break }
        }
        let index = lock.withLock { received.append(Request(body: String(decoding: data, as: UTF8.self))); return received.count - 1 }
        let answer = Array((mode == .statusNoNewline ? "HTTP/1.1 200 OK" : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").utf8)
        let chunks: [[UInt8]] = mode == .statusNoNewline ? [answer] : answer.map { [$0] }
        for chunk in chunks {
            if lock.withLock({ stopped }) { return }
            _ = chunk.withUnsafeBytes { send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if mode == .trickle && waitForClose(c, seconds: 1) { markClosed(index); return }
        }
        // Hold the connection open until the client closes it (or the test ends).
        while !lock.withLock({ stopped }) {
            if waitForClose(c, seconds: 0.2) { markClosed(index); return }
        }
    }

    private func markClosed(_ i: Int) { lock.withLock { received[i].closedByClient = true } }

    /// Whether the client closed its end within `seconds`.
    private func waitForClose(_ c: Int32, seconds: Double) -> Bool {
        var p = pollfd(fd: c, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(seconds * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(c, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }
}
