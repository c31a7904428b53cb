import Foundation
import Testing
@testable import PipetopEngine

/// Writes that would have trapped (Foundation's FileHandle.write on EPIPE) return a reason.
@Suite("Writes that never trap")
struct SafeWriteTests {
    @Test func aPipeWhoseReaderIsGoneIsAReasonNotACrash() {
        signal(SIGPIPE, SIG_IGN)  // as in the engine (NIO) and the daemon
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        #expect(throws: SafeWrite.Failure(code: EPIPE, description: "the reader went away (broken pipe)")) {
            try SafeWrite.write(String(repeating: "x", count: 100_000), to: fds[1])
        }
    }

    @Test func aReaderThatTakesNothingIsGivenUpAfterTheTimeout() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let handle = FileHandle(fileDescriptor: fds[1], closeOnDealloc: false)
        // More than the pipe holds, and nobody reads: it must come back, saying why.
        do {
            try SafeWrite.giveInput(String(repeating: "x", count: 1 << 20), to: handle, timeout: 0.3)
            Issue.record("a megabyte went into a pipe nobody reads")
        } catch {
            #expect(error.code == 0 && error.description.contains("took nothing for 0.3 s"), "\(error)")
        }
    }

    @Test func everythingIsWrittenWhenTheReaderReads() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let readEnd = fds[0]
        let reader = Thread {
            var total = 0
            var buf = [UInt8](repeating: 0, count: 65536)
            while true { let n = read(readEnd, &buf, buf.count); if n <= 0 { break }; total += n }
            close(readEnd)
            SafeWriteTests.received.withLock { $0 = total }
        }
        reader.start()
        try SafeWrite.giveInput(String(repeating: "y", count: 1 << 20), to: FileHandle(fileDescriptor: fds[1], closeOnDealloc: false), timeout: 30)
        close(fds[1])
        let deadline = Date().addingTimeInterval(10)
        while Self.received.withLock({ $0 }) == nil && Date() < deadline { usleep(10_000) }
        #expect(Self.received.withLock { $0 } == 1 << 20)
    }

    static let received = NSLockedInt()
}

/// A lock-protected optional count (the reader thread's result).
final class NSLockedInt: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int?
    func withLock<T>(_ body: (inout Int?) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(&value) }
}
