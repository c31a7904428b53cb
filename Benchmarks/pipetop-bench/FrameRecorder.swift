import Foundation

/// Follows what a program writes to its pty: a screen model of it, and the output cut into
/// frames (a burst after `quiet` seconds of silence), each with its bytes and the cells it
/// changed, row by row (a byte counts for the row the cursor is on when it arrives), so the
/// cost of a region such as a graph can be told from the rest.
final class FrameRecorder: @unchecked Sendable {
    struct Frame {
        var at: Double
        var bytes: [Int]    // per row
        var changed: [Int]  // per row

        var totalBytes: Int { bytes.reduce(0, +) }
        var totalChanged: Int { changed.reduce(0, +) }
    }

    private let lock = NSLock()
    private var screen: TerminalScreen
    private var before: [TerminalScreen.Cell]
    private var open: Frame?
    private var done: [Frame] = []
    private var lastChunk = -1.0
    let quiet: Double

    init(cols: Int, rows: Int, quiet: Double = 0.02) {
        screen = TerminalScreen(cols: cols, rows: rows)
        before = screen.cells
        self.quiet = quiet
    }

    func output(_ t: Double, _ bytes: UnsafeRawBufferPointer) {
        lock.withLock {
            if t - lastChunk > quiet { close() }
            lastChunk = t
            if open == nil { open = Frame(at: t, bytes: Array(repeating: 0, count: screen.rows), changed: []) }
            for b in bytes {
                open!.bytes[screen.cursorRow] += 1
                screen.feed(b)
            }
        }
    }

    private func close() {
        guard var f = open else { return }
        let cols = screen.cols
        f.changed = (0..<screen.rows).map { r in
            TerminalScreen.changed(Array(before[r * cols..<(r + 1) * cols]), Array(screen.cells[r * cols..<(r + 1) * cols]))
        }
        before = screen.cells
        done.append(f)
        open = nil
    }

    /// Frames that began in `from..<to` (a frame still being written is closed first when
    /// it has been quiet long enough).
    func frames(from: Double = 0, to: Double = .infinity) -> [Frame] {
        lock.withLock {
            if monotonic() - lastChunk > quiet { close() }
            return done.filter { $0.at >= from && $0.at < to }
        }
    }

    /// Rows that hold a braille graph now.
    var graphRows: Set<Int> {
        lock.withLock {
            Set((0..<screen.rows).filter { screen.line($0).unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } })
        }
    }

    var text: String { lock.withLock { screen.text } }
}
