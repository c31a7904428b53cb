import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP/1.1 client over one TCP connection to 127.0.0.1 (kept alive between
/// requests), to see what a server answers and whether the connection still serves after.
final class HTTPConnection {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    /// Sends a request; `body` goes with a Content-Length unless `declaredLength` says otherwise;
    /// `host` is the Host header.
    func send(_ method: String, _ path: String, body: [UInt8] = [], declaredLength: Int? = nil, host: String = "127.0.0.1") {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: Nextflow/26.08.0\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(declaredLength ?? body.count)\r\n\r\n"
        write(Array(head.utf8) + body)
    }

    /// Writes all of `bytes` (stops early only if the server closed).
    private func write(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// One wait of up to 100 ms for bytes, appended to `got`: `.closed` when the server closed
    /// (or the wait failed), `.nothing` when none came in time.
    private enum Received { case bytes, nothing, closed }
    private func receive(into got: inout [UInt8]) -> Received {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 100) >= 0 else { return .closed }
        if p.revents == 0 { return .nothing }
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { return .closed }
        got += buf[0..<n]
        return .bytes
    }

    /// The next whole answer (status, body), or nil when the server closed or said nothing
    /// within `seconds`.
    func answer(within seconds: Double = 10) -> (status: Int, body: String)? {
        var got = [UInt8]()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = String(decoding: got, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound]
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                let body = Array(text[end.upperBound...].utf8)
                if body.count >= length, let status = head.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
                    return (status, String(decoding: body.prefix(length), as: UTF8.self))
                }
            }
            if receive(into: &got) == .closed { return nil }
        }
        return nil
    }

    /// Sends `text` as it is (a request written out whole).
    func sendRaw(_ text: String) { write(Array(text.utf8)) }

    /// Sends `bytes` as they are (a WebSocket frame).
    func sendBytes(_ bytes: [UInt8]) { write(bytes) }

    /// The next answer's head only (for HEAD, and for a stream): its status, its headers (names
    /// lower-cased) and whatever came after the head in the same reads; nil when the server
    /// closed or said nothing within `seconds`.
    func head(within seconds: Double = 10) -> (status: Int, headers: [String: String], after: [UInt8])? {
        var got = [UInt8]()
        let end = Array("\r\n\r\n".utf8)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let i = (0..<max(0, got.count - 3)).first(where: { Array(got[$0..<$0 + 4]) == end }) {
                let lines = String(decoding: got[..<i], as: UTF8.self).split(separator: "\r\n")
                guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    let kv = line.split(separator: ":", maxSplits: 1)
                    if kv.count == 2 { headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces) }
                }
                return (status, headers, Array(got[(i + 4)...]))
            }
            if receive(into: &got) == .closed { return nil }
        }
        return nil
    }

    /// The next whole answer with its headers (names lower-cased): its body as long as its
    /// Content-Length says.
    func answerWithHeaders(within seconds: Double = 10) -> (status: Int, headers: [String: String], body: String)? {
        guard let h = head(within: seconds) else { return nil }
        let length = h.headers["content-length"].flatMap { Int($0) } ?? 0
        var body = h.after
        let deadline = Date().addingTimeInterval(seconds)
        while body.count < length && Date() < deadline {
            let r = receive(into: &body)
            if r == .closed { break }
        }
        return (h.status, h.headers, String(decoding: body.prefix(length), as: UTF8.self))
    }

    /// Reads until `marker` has come (true) or the server closed or `seconds` passed (false).
    func read(until marker: String, within seconds: Double = 10) -> Bool {
        var got = [UInt8]()
        let deadline = Date().addingTimeInterval(seconds)
        while !String(decoding: got, as: UTF8.self).contains(marker) && Date() < deadline {
            if receive(into: &got) == .closed { return false }
        }
        return String(decoding: got, as: UTF8.self).contains(marker)
    }

    /// True once the server has closed the connection (within `seconds`).
    func closedByServer(within seconds: Double = 10) -> Bool {
        var buf = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { return false }
            if p.revents == 0 { continue }
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { return true }
        }
        return false
    }

    /// One request and its answer.
    func post(_ path: String, _ body: String) -> (status: Int, body: String)? {
        send("POST", path, body: Array(body.utf8))
        return answer()
    }
}
