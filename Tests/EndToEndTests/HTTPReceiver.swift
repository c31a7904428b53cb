import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP server on loopback for tests: records each request's method, path and body
/// and answers 200 (or `status`).
final class HTTPReceiver: @unchecked Sendable {
    struct Request {
        var method: String; var path: String; var body: String; var at = Date()
        /// Header names in lower case.
        var headers: [String: String] = [:]
    }
    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    var status = 200

    init() throws {
        (fd, port) = try loopbackListener()
        let t = Thread { [self] in serve() }
        t.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] { lock.withLock { received } }

    func close() { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }

    /// Waits until `ok` holds for the requests so far.
    func wait(seconds: Double = 10, until ok: ([Request]) -> Bool) -> [Request] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let r = requests
            if ok(r) { return r }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return requests
    }

    private func serve() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            handle(c)
            Glibc.close(c)
        }
    }

    private func handle(_ c: Int32) {
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var length = 0
        while true {
            let n = read(c, &buf, buf.count)
            if n <= 0 { break }
            data += buf[0..<n]
            if headerEnd == nil, let r = findHeaderEnd(data) {
                headerEnd = r
                let head = String(decoding: data[0..<r], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let h = headerEnd, data.count >= h + 4 + length { break }
        }
        guard let h = headerEnd else { return }
        let head = String(decoding: data[0..<h], as: UTF8.self)
        let first = head.split(separator: "\r\n").first.map { $0.split(separator: " ").map(String.init) } ?? []
        let body = String(decoding: data[(h + 4)...], as: UTF8.self)
        var headers: [String: String] = [:]
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        lock.withLock { received.append(Request(method: first.first ?? "", path: first.count > 1 ? first[1] : "", body: body, headers: headers)) }
        let reply = "HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        _ = reply.withCString { write(c, $0, strlen($0)) }
    }

    private func findHeaderEnd(_ d: [UInt8]) -> Int? {
        guard d.count >= 4 else { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }
}
