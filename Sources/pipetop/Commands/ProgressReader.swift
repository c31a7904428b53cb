import Foundation
import PipetopCore

/// Turns the watched stream's lines (`--progress-from`) into events for the run's job:
/// progress parsed from text goes to the phase that runs (`PhaseCursor`), and `PIPETOP`
/// lines the command may send (`CommandEvent`) are passed on. Used by one relay thread.
final class ProgressReader {
    private let job: String
    private let queue: ReportQueue
    private var cursor: PhaseCursor
    private var noted = false

    init(job: String, phases: [String], queue: ReportQueue) {
        self.job = job
        self.queue = queue
        cursor = PhaseCursor(declared: phases)
    }

    /// One line of output, without its newline.
    func line(_ bytes: ArraySlice<UInt8>) {
        var text = bytes
        if text.last == 0x0D { text = text.dropLast() }
        guard let found = ProgressParser.parse(String(decoding: text, as: UTF8.self)) else { return }
        switch found {
        case .event(let json):
            switch CommandEvent.event(from: json, job: job) {
            case .success(let e):
                for before in cursor.observe(e) { queue.offer(before) }
                queue.offer(e)
            case .failure(let why):
                ignored(why.reason)
            }
        case .unreadable(let why):
            ignored(why)
        case .counts(let done, let total):
            progress(done: done, total: total)
        case .percent(let p):
            progress(done: Int(p.rounded(.down)), total: 100)
        }
    }

    private func progress(done: Int, total: Int) {
        guard let (phase, start) = cursor.phaseForProgress(job: job) else { return }
        for e in start { queue.offer(e) }
        queue.offer(Event(job: job, .progress(.init(phase: phase, done: done, total: total))))
    }

    /// Said once: output is not trusted, and a line that looked like an event but was not
    /// taken should not pass unseen.
    private func ignored(_ why: String) {
        guard !noted else { return }
        noted = true
        let kinds = CommandEvent.allowed.joined(separator: ", ")
        FileHandle.standardError.write(Data(
            "pipetop run: ignored a PIPETOP line of the command's output: \(why) (only \(kinds) events about this run's job are taken; said once)\n".utf8))
    }
}
