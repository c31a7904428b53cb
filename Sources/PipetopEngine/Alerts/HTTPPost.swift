import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP POST, blocking the calling (courier) thread for at most `timeout` seconds in all.
///
/// http:// is spoken directly over a socket: Foundation's URLSession on Linux spins a core
/// while a server keeps a connection open without answering (measured: 98% CPU), which is the
/// very case a notifier must shrug off. https:// goes through curl(1), which must be installed.
enum HTTPPost {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// `headers` come from the config file, checked there (names are tokens, values hold no
    /// line break).
    static func post(_ url: String, body: String, headers: [NotifyTarget.Header] = [], timeout: Double) throws {
        if url.hasPrefix("https://") { return try viaCurl(url, body: body, headers: headers, timeout: timeout) }
        guard url.hasPrefix("http://") else { throw Failure(description: "unsupported URL \(url)") }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let path = slash == rest.endIndex ? "/" : String(rest[slash...])
        var host = authority, port = "80"
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {  // [::1]:8080
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        let deadline = Date().addingTimeInterval(timeout)
        let fd = try connect(host: host, port: port, deadline: deadline)
        defer { close(fd) }
        let request = "POST \(path) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: pipetop\r\nContent-Type: application/json\r\n"
            + headers.map { "\($0.name): \($0.value)\r\n" }.joined()
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        var bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            try wait(fd, events: Int16(POLLOUT), deadline: deadline)
            let n = bytes[sent...].withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; throw Failure(description: "\(url): \(String(cString: strerror(errno)))") }
            sent += n
        }
        // The status code is all we need: read until it is known (a server may send it without
        // a newline and keep the connection open), the connection ends, or 4 KiB came without
        // one. poll() waits in between, so a silent or trickling server costs no CPU; the
        // deadline bounds it all.
        var reply = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 1024)
        var status = 0
        while reply.count < 4096 {
            status = statusCode(reply) ?? 0
            if status != 0 || reply.contains(10) { break }
            try wait(fd, events: Int16(POLLIN), deadline: deadline)
            let n = read(fd, &buf, buf.count)
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue }; throw Failure(description: "\(url): \(String(cString: strerror(errno)))") }
            if n == 0 { status = statusCode(reply, complete: true) ?? 0; break }
            reply += buf[0..<n]
        }
        guard (200..<300).contains(status) else {
            throw Failure(description: status == 0 ? "\(url): no HTTP answer" : "\(url) answered HTTP \(status)")
        }
    }

    /// The code of an HTTP status line (`HTTP/1.1 200 OK`) once its three digits are followed by
    /// a space or a line end, or by the end of the answer when `complete`.
    static func statusCode(_ reply: [UInt8], complete: Bool = false) -> Int? {
        guard let space = reply.firstIndex(of: 32), reply.starts(with: Array("HTTP/".utf8)) else { return nil }
        let code = reply[(space + 1)...].prefix(4)
        guard code.count >= 3, code.prefix(3).allSatisfy({ (48...57).contains($0) }) else { return nil }
        guard code.count == 4 ? [32, 13, 10].contains(code.last!) : complete else { return nil }
        return code.prefix(3).reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    /// A non-blocking socket connected to host:port before the deadline.
    private static func connect(host: String, port: String, deadline: Date) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else { throw Failure(description: "cannot resolve \(host)") }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { continue }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
            if errno == EINPROGRESS {
                do {
                    try wait(fd, events: Int16(POLLOUT), deadline: deadline)
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    if err == 0 { return fd }
                    lastError = String(cString: strerror(err))
                } catch {
                    lastError = ErrorText.sentence(error)
                }
            } else {
                lastError = String(cString: strerror(errno))
            }
            close(fd)
        }
        throw Failure(description: "cannot connect to \(host):\(port): \(lastError)")
    }

    private static func wait(_ fd: Int32, events: Int16, deadline: Date) throws {
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure(description: "timed out") }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&p, 1, Int32(min(left, 3600) * 1000) + 1)
            if r > 0 { return }
            if r < 0 && errno != EINTR { throw Failure(description: String(cString: strerror(errno))) }
        }
    }

    private static func viaCurl(_ url: String, body: String, headers: [NotifyTarget.Header], timeout: Double) throws {
        guard onPath("curl") else { throw Failure(description: "https needs curl(1), which is not on PATH") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "--fail", "--silent", "--show-error", "--max-time", String(format: "%.1f", timeout),
                       "-H", "Content-Type: application/json", "-H", "User-Agent: pipetop", "--data-binary", "@-", url]
        // Headers (a token) go through a file only this user can read: on curl's command line
        // every local user would see them in ps.
        var headerFile: String?
        defer { if let f = headerFile { unlink(f) } }
        if !headers.isEmpty {
            var template = Array((NSTemporaryDirectory() + "/pipetop-headers-XXXXXX").utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0 else { throw Failure(description: "cannot make a file for the request's headers: \(String(cString: strerror(errno)))") }
            let path = String(cString: template)
            headerFile = path
            let text = headers.map { "\($0.name): \($0.value)\n" }.joined()
            let ok = text.utf8CString.withUnsafeBufferPointer { b in write(fd, b.baseAddress, b.count - 1) == b.count - 1 }
            close(fd)
            guard ok else { throw Failure(description: "cannot write the request's headers to \(path)") }
            p.arguments!.insert(contentsOf: ["-H", "@" + path], at: p.arguments!.count - 1)
        }
        let input = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = errors
        do { try p.run() } catch { throw Failure(description: "https needs curl(1), which could not be started") }
        // curl may be gone before it reads (not found after all, killed): its pipe is then
        // closed, and the write says so instead of trapping; its exit status tells the rest.
        let written = input.fileHandleForWriting
        var inputFailure: SafeWrite.Failure?
        do { try SafeWrite.giveInput(body, to: written, timeout: timeout) } catch { inputFailure = error }
        try? written.close()
        if let f = inputFailure, f.code != EPIPE { p.terminate(); throw Failure(description: "\(url): curl did not take the request: \(f)") }
        let why = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let text = String(decoding: why, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: p.terminationStatus == 127 ? "https needs curl(1), not found" : "\(url): \(text)")
        }
    }

    /// Whether `name` is an executable file in a directory of PATH.
    static func onPath(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}
