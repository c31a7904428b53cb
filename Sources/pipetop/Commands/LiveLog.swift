import Foundation
import PipetopCore

/// Sends the command's output lines to the job's log while it runs, each with the time it was
/// read: once a second at most, the lines that ended since the last time, at most the tail's
/// limits (100 lines, 64 KiB) and, of a flood, only the newest with a line saying how many were
/// left out. Offered, not sent: an engine that is slow or gone drops them, never holding the
/// command back. What is left at the end is sent by `finish`.
final class LiveLog: @unchecked Sendable {
    static let interval = 1.0

    private let tail: OutputTail
    private let queue: ReportQueue
    private let job: String
    private let stop = NSCondition()
    private var stopped = false
    private var ended = false
    /// The newest chunk whose lines were sent, and each stream's level reading.
    private var shipped = 0
    private var readers: [Int32: OutputLineLevel] = [:]

    init(tail: OutputTail, queue: ReportQueue, job: String) {
        self.tail = tail
        self.queue = queue
        self.job = job
        let t = Thread { [self] in
            stop.lock()
            while !stopped {
                _ = stop.wait(until: Date().addingTimeInterval(Self.interval))
                if stopped { break }
                stop.unlock()
                ship(open: false, offer: true)
                stop.lock()
            }
            ended = true
            stop.broadcast()
            stop.unlock()
        }
        t.name = "pipetop-live-log"
        t.start()
    }

    /// Once the command and its output have ended: the lines not sent yet (the last one
    /// without a newline too), sent as the job's last words.
    func finish() {
        stop.lock()
        stopped = true
        stop.broadcast()
        while !ended { stop.wait() }
        stop.unlock()
        ship(open: true, offer: false)
    }

    private func ship(open: Bool, offer: Bool) {
        let (lines, newest, left) = tail.since(shipped, open: open)
        shipped = newest
        var events: [Event] = []
        if left > 0, let first = lines.first {
            var e = Event(job: job, .log(.init(level: .info, message: "(\(left) lines of output not sent to the log: too many at once)", category: first.line.stream == 2 ? "stderr" : "stdout")))
            e.ts = first.time
            events.append(e)
        }
        events += OutputTail.logEvents(lines, job: job, readers: &readers)
        for e in events { offer ? queue.offer(e) : queue.send(e) }
    }
}
