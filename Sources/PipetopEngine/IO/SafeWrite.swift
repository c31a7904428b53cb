import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes that never trap. Foundation's `FileHandle.write(_:)` traps on EPIPE (a `try!`
/// inside) and NIO ignores SIGPIPE, so one write to a closed pipe (a notify command that does
/// not read its input, a log reader that went away) would kill the engine. Every write of the
/// product goes through here: a failure is returned as a sentence, or, for standard error,
/// dropped (there is nowhere left to say it).
public enum SafeWrite {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// The errno (0: timed out).
        public var code: Int32
        public var description: String
    }

    /// Writes every byte of `bytes` to `fd`. A descriptor that is full (EAGAIN) is waited for
    /// with poll until `timeout` seconds have passed (nil: for as long as it takes).
    public static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32, timeout: Double? = nil) throws(Failure) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        let deadline = timeout.map { Date().timeIntervalSince1970 + $0 }
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n > 0 {
                p += n
                left -= n
                continue
            }
            let code = n < 0 ? errno : EAGAIN
            if code == EINTR { continue }
            guard code == EAGAIN || code == EWOULDBLOCK else { throw Failure(code: code, description: reason(code)) }
            let wait = deadline.map { $0 - Date().timeIntervalSince1970 }
            if let wait, wait <= 0 {
                throw Failure(code: 0, description: "the reader took nothing for \(Self.seconds(timeout!)) (it does not read its input)")
            }
            var fds = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&fds, 1, wait.map { Int32(min($0, 3600) * 1000) + 1 } ?? -1)
        }
    }

    public static func write(_ text: String, to fd: Int32, timeout: Double? = nil) throws(Failure) {
        var text = text
        let result: Result<Void, Failure> = text.withUTF8 { u in
            do throws(Failure) { try write(UnsafeRawBufferPointer(u), to: fd, timeout: timeout); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Gives a child process its input through `handle` (its pipe's write end), waiting at
    /// most `timeout` seconds for a child that does not read: the pipe is made non-blocking,
    /// so a child that neither reads nor exits cannot hold the caller for ever.
    public static func giveInput(_ text: String, to handle: FileHandle, timeout: Double) throws(Failure) {
        let fd = handle.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        try write(text, to: fd, timeout: timeout)
    }

    /// Writes a message to standard error; if it cannot be written (nobody reads it any more,
    /// the disk of a redirected log is full), it is dropped. Waits at most a second for a
    /// full, non-blocking standard error.
    public static func stderr(_ text: String) {
        try? write(text, to: 2, timeout: 1)
    }

    /// The reason for a failed write, as the end of a sentence.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case EPIPE: "the reader went away (broken pipe)"
        case ENOSPC: "no space left on device"
        case EDQUOT: "the disk quota is used up"
        case EIO: "input/output error"
        default: String(cString: strerror(code)).lowercased()
        }
    }

    private static func seconds(_ t: Double) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }
}
