import Foundation
import PipetopCore
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

public struct ClientError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A plain blocking connection to an engine's socket: write lines, read replies.
/// What `pipetop emit`, the demo workload and the tests use.
public final class EngineConnection: @unchecked Sendable {
    public let path: String
    public let fd: Int32
    private var inbox: [UInt8] = []
    private var closed = false
    private var readBuffer = [UInt8](repeating: 0, count: 65536)

    public init(path: String) throws {
        self.path = path
        // Close-on-exec: a command started by `pipetop run` must not inherit the connection.
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError("socket(): \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            Glibc.close(fd)
            throw ClientError("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in raw.copyBytes(from: bytes); raw[bytes.count] = 0 }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ClientError("no engine at \(path) (\(why)); start one with `pipetop` or `pipetop daemon`")
        }
    }

    deinit { if !closed { Glibc.close(fd) } }

    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }

    /// Writes raw text (must end with a newline to be a line).
    public func send(_ text: String) throws {
        var bytes = Array(text.utf8)
        try sendBytes(&bytes)
    }

    public func send(_ event: Event) throws { try send(EventEncoder.line(event)) }

    private func sendBytes(_ bytes: inout [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError("write to \(path) failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// Reads one line (without its newline), waiting at most `timeout` seconds.
    /// nil on timeout; throws when the engine closed the connection.
    public func readLine(timeout: Double) throws -> String? {
        let deadline = Date().timeIntervalSince1970 + timeout
        while true {
            if let nl = inbox.firstIndex(of: 0x0A) {
                let line = String(decoding: inbox[..<nl], as: UTF8.self)
                inbox.removeSubrange(...nl)
                return line
            }
            let left = deadline - Date().timeIntervalSince1970
            if left <= 0 { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, Int32(left * 1000) + 1)
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { continue }
            let n = recv(fd, &readBuffer, readBuffer.count, 0)
            if n == 0 { throw ClientError("the engine closed the connection") }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ClientError("read from \(path) failed: \(String(cString: strerror(errno)))")
            }
            inbox.append(contentsOf: readBuffer[0..<n])
        }
    }

    /// Sends a `sync` and waits for its answer. Returns the error replies that arrived
    /// before it (for lines sent on this connection).
    public func sync(timeout: Double = 10) throws -> [Reply] {
        let id = "s\(UInt32.random(in: 0...UInt32.max))"
        try send(JSONWriter.string(.object([("type", .string("sync")), ("id", .string(id))])) + "\n")
        var errors: [Reply] = []
        let deadline = Date().timeIntervalSince1970 + timeout
        while Date().timeIntervalSince1970 < deadline {
            guard let line = try readLine(timeout: deadline - Date().timeIntervalSince1970) else { break }
            switch Reply.parse(line) {
            case .synced(let got, _)? where got == .string(id): return errors
            case .error?: errors.append(Reply.parse(line)!)
            default: continue
            }
        }
        throw ClientError("no answer to sync from \(path) within \(Int(timeout)) s")
    }
}
