import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Follows the joblog GNU parallel writes (`--joblog FILE`) while the command runs, and hands
/// each finished job to the reader as a step. parallel truncates the file when it starts
/// (unless it appends: `+FILE`, `--resume`), so a file older than the command is not read
/// until parallel has rewritten it; an appended one is read from where it ended.
final class JoblogFollower: @unchecked Sendable {
    private let path: String
    private let reader: ProgressReader
    private let started: timespec
    private var offset: off_t
    private var fd: Int32 = -1
    private var pending: [UInt8] = []
    private let stop = NSCondition()
    private var stopping = false
    private var finished = false

    /// Call before the command starts.
    init(path: String, appends: Bool, reader: ProgressReader) {
        self.path = path
        self.reader = reader
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        started = now
        var st = stat()
        offset = appends && stat(path, &st) == 0 ? st.st_size : 0
        let t = Thread { [self] in
            run()
            stop.lock(); finished = true; stop.broadcast(); stop.unlock()
        }
        t.name = "pipetop-joblog"
        t.start()
    }

    /// Once the command has ended: the last lines are read, then it stops.
    func finish() {
        stop.lock()
        stopping = true
        stop.broadcast()
        while !finished { stop.wait() }
        stop.unlock()
    }

    private func run() {
        while true {
            stop.lock()
            if !stopping { _ = stop.wait(until: Date().addingTimeInterval(0.2)) }
            let last = stopping
            stop.unlock()
            readNew()
            if last { return }
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    private func readNew() {
        if fd < 0 {
            var st = stat()
            guard stat(path, &st) == 0 else { return }
            // Not yet rewritten by this run's parallel: the file is a previous run's.
            if offset == 0 && (st.st_mtim.tv_sec, st.st_mtim.tv_nsec) < (started.tv_sec, started.tv_nsec) { return }
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            lseek(fd, offset, SEEK_SET)
        }
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            pending += buf[0..<n]
        }
        guard let last = pending.lastIndex(of: 0x0A) else { return }
        let text = String(decoding: pending[..<last], as: UTF8.self)
        pending.removeFirst(last + 1)
        for line in text.split(separator: "\n") {
            if let e = ParallelJoblog.read(String(line)) { reader.finished(e) }
        }
    }
}
