import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The complete lines added to a file since the last read (like `tail -f`): a line still being
/// written waits for its newline.
final class FileLineTail {
    let path: String
    private let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("cannot read \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// The lines written since the last call (none when nothing new is there).
    func read() -> [String] {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &buf, buf.count)
            if n <= 0 { break }
            pending += buf[0..<n]
        }
        guard let last = pending.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let text = String(decoding: pending[...last], as: UTF8.self)
        pending.removeFirst(last + 1)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // after the final newline
        return lines
    }
}
