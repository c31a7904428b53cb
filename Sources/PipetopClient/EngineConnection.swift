import Foundation
import PipetopCore
import PipetopWire
#if canImport(Glibc)
import Glibc
#endif

public struct ClientError: Error, CustomStringConvertible {
    public var description: String
    /// The engine refused this connection (another user's engine); `description` is its reason.
    public var refused = false
    /// The engine applied the lines but cannot save them (its database cannot be written).
    public var unsaved = false
    /// The engine did not answer in time (what was sent may still be applied later).
    public var timedOut = false
    /// Nobody listens at the path (no file, a socket file a killed engine left, not a socket):
    /// waiting for a connection there delivers nothing.
    public var noEngine = false
    public init(_ d: String, refused: Bool = false, unsaved: Bool = false, timedOut: Bool = false) {
        description = d; self.refused = refused; self.unsaved = unsaved; self.timedOut = timedOut
    }
}

/// A plain blocking connection to an engine: write lines, read replies. Either the engine's
/// Unix socket, or a command whose standard input and output carry the protocol (`ssh HOST
/// pipetop bridge`). What `pipetop emit`, the dashboard, `attach` and the tests use.
public final class EngineConnection: @unchecked Sendable {
    /// The socket path, or the command line.
    public let path: String
    public let fd: Int32
    /// Where lines go: the socket, or the command's standard input.
    private let writeFD: Int32
    /// The command's process and its standard error (nil for a socket).
    private var child: pid_t?
    private var errorFD: Int32 = -1
    private var inbox: [UInt8] = []
    private var closed = false
    private var readBuffer = [UInt8](repeating: 0, count: 65536)
    /// Bytes read so far (what crossed the link, for bandwidth figures).
    public private(set) var bytesRead = 0

    /// Turns how a command ended (its last words and exit status) into a message.
    private var explain: (@Sendable (String) -> String)?

    /// Runs `command` (searched in PATH) with its standard input, output and error on pipes.
    /// `label` names it in errors (a host name); `explain` rewords how it ended.
    public init(command: [String], label: String? = nil, explain: (@Sendable (String) -> String)? = nil) throws {
        path = label ?? command.joined(separator: " ")
        self.explain = explain
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0, pipe(&errors) == 0 else {
            throw ClientError("pipe(): \(String(cString: strerror(errno)))")
        }
        // Our ends must not leak into other children.
        for fd in [toChild[1], fromChild[0], errors[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        // The child gets default signal handling and no blocked signals, whatever ours are.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let argv = command.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let rc = posix_spawnp(&pid, command[0], &actions, &attr, argv, environ)
        Glibc.close(toChild[0]); Glibc.close(fromChild[1]); Glibc.close(errors[1])
        guard rc == 0 else {
            Glibc.close(toChild[1]); Glibc.close(fromChild[0]); Glibc.close(errors[0])
            throw ClientError("cannot run \(command[0]): \(String(cString: strerror(rc)))")
        }
        child = pid
        fd = fromChild[0]
        writeFD = toChild[1]
        errorFD = errors[0]
    }

    /// Connects to the engine's socket without ever blocking longer than `connectTimeout`
    /// seconds: a stuck engine whose listen queue is full makes a blocking connect wait
    /// for ever, so the connect is non-blocking and retried until the deadline. (Reporters
    /// pass a short one; viewers and tools keep the default, long enough for a busy engine.)
    public init(path: String, connectTimeout: Double = 10) throws {
        self.path = path
        // Nothing goes to a socket (or through a directory) another user could have put there.
        let trusted = try SocketTrust.check(path: path)
        // Close-on-exec: a command started by `pipetop run` must not inherit the connection.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw ClientError("socket(): \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            Glibc.close(fd)
            throw ClientError("the socket path is too long (\(bytes.count) bytes; the limit is \(MemoryLayout.size(ofValue: addr.sun_path) - 1)): \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in raw.copyBytes(from: bytes); raw[bytes.count] = 0 }
        let deadline = Date().timeIntervalSince1970 + connectTimeout
        var code: Int32 = 0
        while true {
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            code = rc == 0 ? 0 : errno
            if code == EINTR { continue }
            if code == EINPROGRESS {
                // Not what Linux does for Unix sockets, but allowed: wait for the outcome.
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let left = max(0, deadline - Date().timeIntervalSince1970)
                code = poll(&p, 1, Int32(left * 1000)) > 0 ? Self.socketError(fd) : EAGAIN
            }
            // EAGAIN: the engine's listen queue is full. Try again until the deadline.
            guard code == EAGAIN, Date().timeIntervalSince1970 < deadline else { break }
            usleep(5_000)
        }
        if code != 0 {
            let why = String(cString: strerror(code))
            Glibc.close(fd)
            if code == EACCES || code == EPERM {
                throw ClientError("cannot connect to \(path): \(why) (the engine there is another user's; its owner can let a group in with `pipetop daemon --allow-group NAME`)")
            }
            if code == EAGAIN {
                throw ClientError("the engine at \(path) does not take connections (it did not accept one within \(Self.seconds(connectTimeout)) s)")
            }
            var e = ClientError("no engine at \(path) (\(why)); start one with `pipetop` or `pipetop daemon`")
            e.noEngine = true
            throw e
        }
        // (A socket that appeared after the check is held to our own uid.)
        do { try SocketTrust.checkPeer(fd: fd, path: path, allowed: trusted ?? getuid()) } catch { Glibc.close(fd); throw error }
        // Blocking from here on: reads and writes wait with their own deadlines.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        writeFD = fd
    }

    /// The uid of the process that listens on the socket (SO_PEERCRED), nil for a command
    /// connection or when it cannot be read.
    public func peerUID() -> uid_t? {
        guard child == nil else { return nil }
        var cred = (pid: Int32(0), uid: UInt32(0), gid: UInt32(0))
        var len = socklen_t(MemoryLayout.size(ofValue: cred))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 else { return nil }
        return cred.uid
    }

    /// True when the engine is this user's (or root's): it cannot refuse us, so lines may go
    /// before it has said anything. Another user's engine (one that lets a group in) may refuse
    /// the connection: ask it first (`sync`) so that none of our data goes to it then.
    public var peerIsOwn: Bool {
        guard let uid = peerUID() else { return false }
        return uid == getuid() || uid == 0
    }

    /// 2 for 2.0, 0.5 for 0.5: seconds as people write them.
    static func seconds(_ t: Double) -> String { t == t.rounded() ? "\(Int(t))" : "\(t)" }

    private static func socketError(_ fd: Int32) -> Int32 {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 ? err : errno
    }

    /// Makes a write to an engine that does not read fail after `seconds` instead of waiting for
    /// ever (a reporter must never be held by a stuck engine).
    public func setSendTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
        if writeFD != fd { Glibc.close(writeFD) }
        if errorFD >= 0 { Glibc.close(errorFD) }
        if let pid = child {
            // Closing its input ends a bridge; a stuck ssh gets a TERM, then is reaped.
            var status: Int32 = 0
            for i in 0..<50 {
                if waitpid(pid, &status, WNOHANG) != 0 { child = nil; break }
                if i == 10 { kill(pid, SIGTERM) }
                usleep(10_000)
            }
            if child != nil { kill(pid, SIGKILL); waitpid(pid, &status, 0); child = nil }
        }
    }

    /// Why the command ended: its standard error and exit status (for a command connection).
    private func commandEnded() -> String {
        var text = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        if errorFD >= 0 {
            var flags = fcntl(errorFD, F_GETFL)
            flags |= O_NONBLOCK
            _ = fcntl(errorFD, F_SETFL, flags)
            while text.count < 8192 {
                let n = read(errorFD, &buf, buf.count)
                if n <= 0 { break }
                text += buf[0..<n]
            }
        }
        var status: Int32 = 0
        var exit = ""
        if let pid = child {
            for _ in 0..<100 { if waitpid(pid, &status, WNOHANG) == pid { child = nil; break }; usleep(10_000) }
            if child == nil { exit = (status & 0x7f) == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(status & 0x7f)" }
        }
        let said = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n").suffix(3).joined(separator: "; ")
        return [said, exit].filter { !$0.isEmpty }.joined(separator: ", ")
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
            let n = bytes.withUnsafeBytes { raw -> Int in
                child == nil ? Glibc.send(fd, raw.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
                    : Glibc.write(writeFD, raw.baseAddress! + off, bytes.count - off)  // SIGPIPE is ignored by commands that use this
            }
            if n < 0 {
                if errno == EINTR { continue }
                let why = String(cString: strerror(errno))
                // An engine that refused this connection closed it after saying why.
                if let reason = pendingRefusal() { throw ClientError(reason, refused: true) }
                throw ClientError("write to \(path) failed: \(why)")
            }
            off += n
        }
    }

    /// The lines that have arrived (without their newlines), read without waiting: none when
    /// nothing came yet. Throws when the engine closed the connection. For a caller that polls
    /// `fd` itself (the dashboard's loop); at most one read per call, so a flood cannot hold it.
    public func readAvailable() throws -> [String] {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&p, 1, 0) > 0 { try fill() }
        var lines: [String] = []
        var start = inbox.startIndex
        while let nl = inbox[start...].firstIndex(of: 0x0A) {
            let line = String(decoding: inbox[start..<nl], as: UTF8.self)
            start = nl + 1
            if let reason = Self.refusal(in: line) { throw ClientError(reason, refused: true) }
            lines.append(line)
        }
        inbox.removeSubrange(..<start)
        return lines
    }

    /// One read of what is there (the caller saw `fd` readable); throws at the end.
    private func fill() throws {
        let n = read(fd, &readBuffer, readBuffer.count)
        if n == 0 {
            if child != nil || errorFD >= 0 {
                let how = commandEnded()
                throw ClientError(explain?(how) ?? "the connection ended" + (how.isEmpty ? "" : ": " + how))
            }
            throw ClientError("the engine closed the connection")
        }
        if n < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            let why = String(cString: strerror(errno))
            if let reason = pendingRefusal() { throw ClientError(reason, refused: true) }
            throw ClientError("read from \(path) failed: \(why)")
        }
        inbox.append(contentsOf: readBuffer[0..<n])
        bytesRead += n
    }

    /// Reads one line (without its newline), waiting at most `timeout` seconds.
    /// nil on timeout; throws when the engine closed the connection.
    public func readLine(timeout: Double) throws -> String? {
        let deadline = Date().timeIntervalSince1970 + timeout
        while true {
            if let nl = inbox.firstIndex(of: 0x0A) {
                let line = String(decoding: inbox[..<nl], as: UTF8.self)
                inbox.removeSubrange(...nl)
                if let reason = Self.refusal(in: line) { throw ClientError(reason, refused: true) }
                return line
            }
            let left = deadline - Date().timeIntervalSince1970
            if left <= 0 { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, Int32(left * 1000) + 1)
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { continue }
            try fill()
        }
    }

    /// The engine's reason when a line is its refusal of the whole connection: an error for
    /// line 0 (lines are counted from 1), sent before it closes the connection.
    static func refusal(in line: String) -> String? {
        guard line.hasPrefix(#"{"type":"error","line":0,"#), case .error(0, let reason)? = Reply.parse(line) else { return nil }
        return reason
    }

    /// The engine's refusal, if it sent one that has not been read yet (looked for after a
    /// write or read failed: the engine closes a refused connection at once).
    public func pendingRefusal() -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&p, 1, 0) > 0 {
            let n = read(fd, &readBuffer, readBuffer.count)
            if n <= 0 { break }
            inbox.append(contentsOf: readBuffer[0..<n])
        }
        for line in inbox.split(separator: 0x0A) {
            if let reason = Self.refusal(in: String(decoding: line, as: UTF8.self)) { return reason }
        }
        return nil
    }

    /// The engine's refusal of this process (another user's engine), found with one round
    /// trip; nil when it lets us in or cannot be asked (the caller's own connection says why).
    public static func refusal(at path: String, timeout: Double = 2) -> String? {
        guard let c = try? EngineConnection(path: path) else { return nil }
        defer { c.close() }
        do { _ = try c.sync(timeout: timeout) } catch { return (error as? ClientError)?.refused == true ? "\(error)" : nil }
        return nil
    }

    /// Reads and drops whatever replies have arrived, without waiting (a producer that does not
    /// look at error replies must still not let them pile up).
    public func discardReplies() {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while poll(&p, 1, 0) > 0 {
            let n = read(fd, &readBuffer, readBuffer.count)
            if n <= 0 { return }
            // Dropped, except the engine's refusal of the whole connection.
            if refusedReason == nil, let text = String(bytes: readBuffer[0..<n], encoding: .utf8), text.contains(#""line":0,"#) {
                refusedReason = text.split(separator: "\n").lazy.compactMap { Self.refusal(in: String($0)) }.first
            }
        }
    }

    /// The engine's reason for refusing this connection, when `discardReplies` came across it.
    public private(set) var refusedReason: String?

    /// Sends a `sync` and waits for its answer. Returns the error replies that arrived
    /// before it (for lines sent on this connection). `durable: false` asks only that the
    /// earlier lines be applied, not yet on disk (answered without waiting for the journal).
    public func sync(timeout: Double = 10, durable: Bool = true) throws -> [Reply] {
        let id = "s\(UInt32.random(in: 0...UInt32.max))"
        var members: [(String, JSONValue)] = [("type", .string("sync")), ("id", .string(id))]
        if !durable { members.append(("durable", .bool(false))) }
        try send(JSONWriter.string(.object(members)) + "\n")
        var errors: [Reply] = []
        let deadline = Date().timeIntervalSince1970 + timeout
        while Date().timeIntervalSince1970 < deadline {
            guard let line = try readLine(timeout: deadline - Date().timeIntervalSince1970) else { break }
            switch Reply.parse(line) {
            case .synced(let got, _)? where got == .string(id): return errors
            case .syncFailed(let got, _, let reason)? where got == .string(id): throw ClientError(reason, unsaved: true)
            case .error?: errors.append(Reply.parse(line)!)
            default: continue
            }
        }
        throw ClientError("the engine at \(path) did not answer within \(Self.seconds(timeout)) s", timedOut: true)
    }
}
